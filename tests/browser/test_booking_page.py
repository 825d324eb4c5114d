"""The booking page in headless Chromium on a real server: browse without signing in,
sign in only to hold, watch the hold's countdown, book for a family member, read the
answer in words; on a desktop and a phone-sized screen, by mouse and by keyboard."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, WebSocketRoute, expect

from persistence.models import AppointmentRow
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import hold
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    fits_the_screen,
    open_page,
    sign_in,
    snap,
    staff_panel,
)
from tests.support import GraphQL, ServerProcess, household

WHEN = r"\w{3} \d{1,2} \w{3}, \d\d:\d\d"
REQUESTED_FOR_MIA = re.compile(
    rf"Requested: {WHEN} with Maria Keller for Mia Schmidt, awaiting the clinic's confirmation"
)


async def family(deps: Deps) -> factories.SignedInUser:
    """Anna, who books for herself and her daughter Mia, at a clinic that approves requests."""
    await factories.set_clinic(deps, approval_required=True)
    await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    mia = await factories.patient(deps, name="Mia Schmidt", email=None)
    return await factories.user(deps, patients=(anna, mia), name="Anna Schmidt")


async def the_token(page: Page) -> str:
    """The bearer token the page keeps for its tab (to end its session from elsewhere)."""
    token = await page.evaluate(
        "Object.entries(sessionStorage).find(([k]) => k.startsWith('portal-token'))?.[1]"
    )
    assert token
    return str(token)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
async def test_a_visitor_browses_holds_after_signing_in_and_requests_for_her_daughter(
    browser: Browser, server: ServerProcess, deps: Deps, screen: str
) -> None:
    anna = await family(deps)
    viewport = PHONE if screen == "phone" else DESKTOP
    started = await server.subscriptions_started()
    page = await open_page(browser, f"{server.url}/book/", viewport)
    onlooker = await open_page(browser, f"{server.url}/book/")

    # Free times show without anyone signing in.
    slots = page.get_by_role("list", name="Free times").get_by_role("button")
    await expect(slots.first).to_be_visible(timeout=10_000)
    await expect(page.get_by_text("Browsing without signing in")).to_be_visible()
    await expect(page.get_by_role("heading", name="My upcoming visits")).to_be_hidden()
    await expect(onlooker.locator("#slots button.slot").first).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 2)
    await snap(page, f"booking-{screen}-01-browsing")

    # Choosing a time asks for a sign-in, then holds it: a countdown from the hold's expiry.
    slot = slots.first
    instant = await slot.get_attribute("data-instant")
    await slot.click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await snap(page, f"booking-{screen}-02-sign-in-to-hold")
    await sign_in(page, anna.user.email)
    await expect(page.get_by_role("heading", name="Held for you")).to_be_visible(timeout=10_000)
    await expect(page.get_by_role("timer")).to_have_text(
        re.compile(r"^\d+:\d\d left to request it$")
    )
    first_reading = await page.get_by_role("timer").text_content()
    await expect(page.get_by_role("timer")).not_to_have_text(first_reading or "", timeout=5_000)
    await expect(page.get_by_text("Signed in as Anna Schmidt")).to_be_visible()
    # Another portal's list loses the held time at once.
    await expect(onlooker.locator(f'#slots button[data-instant="{instant}"]')).to_have_count(
        0, timeout=5_000
    )
    assert await fits_the_screen(page)
    await snap(page, f"booking-{screen}-03-held-with-countdown")

    await page.get_by_label("Who is the appointment for?").select_option(label="Mia Schmidt")
    await page.get_by_label("Note for the clinic (optional)").fill("Sore ankle")
    await page.get_by_role("button", name="Request this time").click()

    await expect(page.get_by_role("status")).to_have_text(REQUESTED_FOR_MIA, timeout=10_000)
    visits = page.get_by_role("list", name="My upcoming visits").get_by_role("listitem")
    await expect(visits).to_have_count(1)
    await expect(visits.first).to_contain_text("awaiting the clinic's confirmation")
    await expect(page.get_by_role("heading", name="Held for you")).to_be_hidden()
    assert await fits_the_screen(page)
    await snap(page, f"booking-{screen}-04-requested")

    # Signing out forgets the token; browsing goes on.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("status")).to_have_text("You are signed out.")
    await expect(page.get_by_role("heading", name="My upcoming visits")).to_be_hidden()
    await expect(slots.first).to_be_visible()
    stored = await page.evaluate("Object.keys(sessionStorage).length")
    assert stored == 0
    await snap(page, f"booking-{screen}-05-signed-out")


async def test_a_session_ended_elsewhere_signs_the_page_out_with_a_message(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    anna = await family(deps)
    page = await open_page(browser, f"{server.url}/book/")
    await page.get_by_role("button", name="Sign in").click()
    started = await server.subscriptions_started()
    await sign_in(page, anna.user.email)
    await expect(page.get_by_role("heading", name="My upcoming visits")).to_be_visible(
        timeout=10_000
    )
    await server.wait_subscriptions_started(started + 2)

    # The same session signed out from another device: its socket closes with 4401.
    async with httpx.AsyncClient(base_url=server.url) as client:
        await GraphQL(client)("mutation { logout }", token=await the_token(page))

    await expect(page.get_by_role("status")).to_contain_text(
        "Your session has ended", timeout=10_000
    )
    await expect(page.get_by_text("Browsing without signing in")).to_be_visible()
    await expect(page.get_by_role("heading", name="My upcoming visits")).to_be_hidden()
    await snap(page, "booking-session-ended")


async def tab_to(page: Page, target: str) -> None:
    """Press Tab until the element matching `target` has the focus (as a keyboard user would)."""
    for _ in range(60):
        if await page.evaluate(f"document.activeElement?.matches({target!r})"):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


async def test_the_whole_booking_works_from_the_keyboard(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    anna = await family(deps)
    page = await open_page(browser, f"{server.url}/book/")
    await expect(page.locator("#slots button.slot").first).to_be_visible(timeout=10_000)

    await tab_to(page, "#slots button.slot")
    focus_ring = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Email", exact=True)).to_be_focused()
    await page.keyboard.type(anna.user.email)
    await page.keyboard.press("Tab")
    await page.keyboard.type(factories.PASSWORD)
    await page.keyboard.press("Enter")

    who = page.get_by_label("Who is the appointment for?")
    await expect(who).to_be_focused(timeout=10_000)
    await expect(page.get_by_role("timer")).to_be_visible()
    await page.keyboard.press("ArrowDown")
    await expect(who).to_have_value(str((await patient_ids(page))["Mia Schmidt"]))
    await page.keyboard.press("Tab")
    await page.keyboard.type("Booked by keyboard")
    await page.keyboard.press("Enter")

    await expect(page.get_by_role("status")).to_have_text(REQUESTED_FOR_MIA, timeout=10_000)
    await snap(page, "booking-keyboard-requested")


async def patient_ids(page: Page) -> dict[str, str]:
    options = await page.locator("#patient option").evaluate_all(
        "options => options.map(o => [o.textContent, o.value])"
    )
    return {text.removesuffix(" (me)"): value for text, value in options}


async def test_changing_the_time_moves_the_visit_to_the_time_chosen(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False, patient_cancel_enabled=True)
    await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,), name="Anna Schmidt")
    page = await open_page(browser, f"{server.url}/book/")
    await page.get_by_role("button", name="Sign in").click()
    await sign_in(page, user.user.email)
    await expect(page.get_by_text("No upcoming visits.")).to_be_visible(timeout=10_000)

    await page.locator("#slots button.slot").first.click()
    await page.get_by_role("button", name="Request this time").click()
    await expect(page.get_by_role("status")).to_contain_text("Booked: ", timeout=10_000)
    visit = page.get_by_role("list", name="My upcoming visits").get_by_role("listitem")
    await expect(visit).to_contain_text("You can change it online until")
    await visit.get_by_role("button", name="Change time").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Choose a new time with Maria Keller below.", timeout=10_000
    )
    await expect(page.locator("#slots button.slot").first).to_be_focused()
    new_time = page.locator("#slots button.slot").nth(2)
    chosen = await new_time.get_attribute("data-start")
    await new_time.click()

    await expect(page.get_by_role("status")).to_have_text(
        re.compile(rf"^Moved: {WHEN} with Maria Keller \(was {WHEN}\)\.$"), timeout=10_000
    )
    await expect(visit).to_have_count(1)
    assert chosen is not None
    async with deps.database.reader() as session:
        [row] = (await session.execute(AppointmentRow.__table__.select())).all()
    assert row.start_at == datetime.fromisoformat(chosen)
    await snap(page, "booking-change-time")


async def test_a_newcomer_registers_while_holding_and_the_desk_sees_a_new_online_patient(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    await factories.online_practitioner(deps)
    desk = await factories.staff(deps)
    started = await server.subscriptions_started()
    panel = await staff_panel(browser, server.url, desk.user.email)
    await expect(panel.get_by_text("No new registrations")).to_be_visible(timeout=10_000)
    page = await open_page(browser, f"{server.url}/book/", PHONE)
    await expect(page.locator("#slots button.slot").first).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 2)

    await page.locator("#slots button.slot").first.click()
    await page.get_by_text("New here? Create an account").click()
    form = page.get_by_role("form", name="Create an account")
    await form.get_by_label("Full name").fill("Jonas Weber")
    await form.get_by_label("Date of birth").fill("1990-02-03")
    await form.get_by_label("Your email").fill("jonas@example.net")
    await form.get_by_label("Choose a password").fill("a long enough password")
    await form.get_by_role("button", name="Create account").click()

    await expect(page.get_by_role("heading", name="Held for you")).to_be_visible(timeout=10_000)
    await expect(page.get_by_label("Who is the appointment for?")).to_have_text("Jonas Weber (me)")
    await page.get_by_role("button", name="Request this time").click()
    await expect(page.get_by_role("status")).to_have_text(
        re.compile(
            rf"^Requested: {WHEN} with Maria Keller, "
            r"awaiting the clinic's confirmation of your registration$"
        ),
        timeout=10_000,
    )
    assert await fits_the_screen(page)
    await snap(page, "booking-newcomer-requested")

    pending = panel.get_by_role("list", name="Requests waiting for an answer")
    await expect(pending).to_contain_text("Jonas Weber (new online patient)", timeout=10_000)
    await expect(panel.get_by_role("list", name="Online registrations")).to_contain_text(
        "Jonas Weber"
    )


async def test_signing_out_while_holding_lets_the_time_go(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    anna = await family(deps)
    page = await open_page(browser, f"{server.url}/book/")
    slot = page.locator("#slots button.slot").first
    await expect(slot).to_be_visible(timeout=10_000)
    instant = await slot.get_attribute("data-instant")
    await slot.click()
    await sign_in(page, anna.user.email)
    await expect(page.get_by_role("heading", name="Held for you")).to_be_visible(timeout=10_000)
    the_slot = page.locator(f'#slots button.slot[data-instant="{instant}"]')
    await expect(the_slot).to_have_count(0)

    await page.get_by_role("button", name="Sign out").click()

    await expect(page.get_by_role("heading", name="Held for you")).to_be_hidden()
    await expect(the_slot).to_have_count(1, timeout=10_000)


async def test_a_page_whose_socket_was_cut_shows_what_changed_meanwhile_without_reloading(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    others = [await factories.user(deps) for _ in range(2)]
    context = await browser.new_context(
        viewport=DESKTOP,  # type: ignore[arg-type]
        locale="en-GB",
        extra_http_headers={"X-Forwarded-For": household()},
    )
    page = await context.new_page()
    sockets: list[WebSocketRoute] = []

    def through(socket: WebSocketRoute) -> None:
        """Pass the page's socket through to the server, keeping hold of it to cut."""
        socket.connect_to_server()
        sockets.append(socket)

    await page.route_web_socket(re.compile(r"/graphql$"), through)
    started = await server.subscriptions_started()
    await page.goto(f"{server.url}/book/")
    slots = page.locator("#slots button.slot")
    await expect(slots.first).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 1)
    first, second = await slots.evaluate_all(
        "buttons => buttons.slice(0, 2).map(b => b.dataset.start)"
    )

    # Another portal holds a time; the page hears it live (and keeps its place in the feed).
    await hold(server_gql, diary, datetime.fromisoformat(first), others[0].token)
    await expect(page.locator(f'#slots button[data-start="{first}"]')).to_have_count(0)
    await page.evaluate("window.sameDocument = true")

    # The server cuts the socket; while the page is away, another time is taken.
    await sockets[-1].close(code=1012, reason="service restart")
    await hold(server_gql, diary, datetime.fromisoformat(second), others[1].token)

    await expect(page.locator(f'#slots button[data-start="{second}"]')).to_have_count(
        0, timeout=15_000
    )
    assert await page.evaluate("window.sameDocument") is True
    assert len(sockets) == 2  # it came back on a new socket
    await context.close()


async def test_a_published_deep_link_opens_the_page_at_that_time(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    """SMART Scheduling Links: a Slot's booking-deep-link, ten days out (beyond the
    page's first week), shows that practitioner's times around it with it marked."""
    await factories.online_practitioner(deps)
    far = factories.slot_start(days=10, hour=11)
    async with httpx.AsyncClient(base_url=server.url) as client:
        manifest = (await client.get("/fhir/R4/$bulk-publish")).json()
        slot_file = next(o["url"] for o in manifest["output"] if o["type"] == "Slot")
        lines = (await client.get("/fhir/R4/" + slot_file.split("/fhir/R4/", 1)[1])).text
    slot = next(s for s in map(json.loads, lines.splitlines()) if s["start"] == far.isoformat())
    query = urlsplit(slot["extension"][0]["valueUrl"]).query

    page = await open_page(browser, f"{server.url}/book/?{query}")

    linked = page.locator("#slots button.slot.linked")
    await expect(linked).to_have_count(1, timeout=10_000)
    await expect(linked).to_be_in_viewport()
    assert int(await linked.get_attribute("data-instant") or 0) == int(far.timestamp() * 1000)
