"""End to end in headless Chromium: two signed-in booking pages and the staff panel on a real server."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from resolvers.deps import Deps
from tests import factories
from tests.browser.pages import open_page, sign_in, snap, staff_panel
from tests.support import ServerProcess


async def signed_in(browser: Browser, url: str, email: str) -> Page:
    page = await open_page(browser, url)
    await page.get_by_role("button", name="Sign in").click()
    await sign_in(page, email)
    await expect(page.get_by_role("heading", name="My upcoming visits")).to_be_visible(
        timeout=10_000
    )
    return page


async def test_a_held_slot_vanishes_from_the_other_page_and_the_panel_accepts_the_request_live(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    paul = await factories.patient(deps, name="Paul Becker")
    first = await factories.user(deps, patients=(anna,), name="Anna Schmidt")
    second = await factories.user(deps, patients=(paul,), name="Paul Becker")
    desk = await factories.staff(deps)

    started = await server.subscriptions_started()
    page_a = await signed_in(browser, f"{server.url}/book/", first.user.email)
    page_b = await signed_in(browser, f"{server.url}/book/", second.user.email)
    for page in (page_a, page_b):
        await expect(page.locator("#slots button.slot").first).to_be_visible(timeout=10_000)
    # Each page listens to its own appointments and to the slots it shows.
    await server.wait_subscriptions_started(started + 4)
    await snap(page_a, "01-page-a-slots")
    await snap(page_b, "01-page-b-slots")

    slot = page_a.locator("#slots button.slot").first
    instant = await slot.get_attribute("data-instant")
    same_slot_on_b = page_b.locator(f'#slots button.slot[data-instant="{instant}"]')
    await expect(same_slot_on_b).to_have_count(1)
    await slot.click()
    await expect(page_a.get_by_role("heading", name="Held for you")).to_be_visible(timeout=5_000)
    await expect(same_slot_on_b).to_have_count(0, timeout=5_000)
    await snap(page_a, "02-page-a-held")
    await snap(page_b, "02-page-b-slot-gone")

    started = await server.subscriptions_started()
    panel = await staff_panel(browser, server.url, desk.user.email)
    await expect(panel.get_by_text("Nothing waiting")).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 1)
    await page_a.get_by_label("Note for the clinic (optional)").fill("Knee hurts")
    await page_a.get_by_role("button", name="Request this time").click()
    await expect(page_a.get_by_role("status")).to_have_text(
        re.compile(r"^Requested: .* with Maria Keller, awaiting the clinic's confirmation$"),
        timeout=5_000,
    )
    pending = panel.get_by_role("list", name="Requests waiting for an answer")
    await expect(pending.get_by_role("listitem")).to_have_count(1, timeout=5_000)
    await expect(pending).to_contain_text("Anna Schmidt")
    await expect(pending).to_contain_text('"Knee hurts"')
    await expect(panel.get_by_role("list", name="As it happens")).to_contain_text(
        "New request: Anna Schmidt"
    )
    await snap(panel, "03-panel-new-request")

    await pending.get_by_role("button", name="Accept").click()
    await expect(page_a.get_by_role("status")).to_have_text(
        re.compile(r"^Booked: .* with Maria Keller$"), timeout=5_000
    )
    await expect(panel.get_by_text("Nothing waiting")).to_be_visible()
    await snap(page_a, "04-page-a-booked")
    await snap(panel, "04-panel-accepted")
