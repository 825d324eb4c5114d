"""End to end in headless Chromium: two booking pages and the staff panel on a real server."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from resolvers.deps import Deps
from tests import factories
from tests.support import ROOT, ServerProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: apt-get install chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        await browser.close()


async def signed_in(browser: Browser, url: str, email: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1100, "height": 800})).new_page()
    await page.goto(url)
    await page.fill("#email", email)
    await page.fill("#password", factories.PASSWORD)
    await page.click("#signin button[type=submit]")
    return page


async def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


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
    await expect(page_a.locator("#held-message")).to_contain_text("Held", timeout=5_000)
    await expect(same_slot_on_b).to_have_count(0, timeout=1_000)
    await snap(page_a, "02-page-a-held")
    await snap(page_b, "02-page-b-slot-gone")

    started = await server.subscriptions_started()
    panel = await signed_in(browser, f"{server.url}/panel/", desk.user.email)
    await expect(panel.locator("#pending-message")).to_have_text("Nothing waiting", timeout=10_000)
    await server.wait_subscriptions_started(started + 1)
    await page_a.fill("#note", "Knee hurts")
    await page_a.click("#request")
    await expect(page_a.locator("#status")).to_contain_text("REQUESTED", timeout=5_000)
    await expect(panel.locator("#pending li")).to_have_count(1, timeout=3_000)
    await expect(panel.locator("#pending li")).to_contain_text("Anna Schmidt")
    await expect(panel.locator("#feed")).to_contain_text("New request: Anna Schmidt")
    await snap(panel, "03-panel-new-request")

    await panel.click("#pending li button.accept")
    await expect(page_a.locator("#status")).to_contain_text("BOOKED", timeout=3_000)
    await expect(panel.locator("#pending li")).to_have_count(0)
    await snap(page_a, "04-page-a-booked")
    await snap(panel, "04-panel-accepted")
