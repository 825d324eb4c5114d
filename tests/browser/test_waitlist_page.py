"""The waitlist in the booking page and the staff panel, in headless Chromium on a real
server: a patient waits, a freed time is offered to her live, she takes it; the desk sees
the line."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import httpx
from playwright.async_api import Browser, expect

from persistence.models import AppointmentRow
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.browser.pages import open_page, sign_in, snap, staff_panel
from tests.conftest import running_servers
from tests.support import GraphQL, ServerProcess

CANCEL = "mutation($id: ID!) { cancelAppointment(appointmentId: $id) { __typename } }"


@asynccontextmanager
async def offering_server(
    settings: Settings, run_dir: Path
) -> AsyncIterator[tuple[ServerProcess, GraphQL]]:
    """A server whose waitlist worker looks for freed times five times a second."""
    with running_servers(settings, run_dir, 1, WAITLIST_SECONDS="0.2") as [server]:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            yield server, GraphQL(client)


@dataclass
class FullDay:
    """A practitioner with two times, 09:00 and 09:30, three days ahead, both taken by
    someone else: a day to wait for, freed by cancelling `taken`."""

    diary: factories.Diary
    nine: datetime
    taken: AppointmentRow


async def a_full_day(deps: Deps) -> FullDay:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    nine = factories.slot_start(days=3, hour=9)
    other = await factories.patient(deps, name="Someone Else")
    taken = await factories.appointment(deps, diary, start=nine, patient=other)
    await factories.appointment(deps, diary, start=nine + timedelta(minutes=30), patient=other)
    return FullDay(diary, nine, taken)


async def test_a_waiting_patient_is_offered_a_freed_time_live_and_takes_it_and_the_desk_sees_the_line(
    browser: Browser, settings: Settings, run_dir: Path, deps: Deps
) -> None:
    async with offering_server(settings, run_dir) as (server, gql):
        await _offered_and_taken(browser, server, gql, deps)


async def _offered_and_taken(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    full = await a_full_day(deps)
    nine, busy = full.nine, full.taken
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,), name="Anna Schmidt")
    desk = await factories.staff(deps)
    page = await open_page(browser, f"{server.url}/book/")
    await page.get_by_role("button", name="Sign in").click()
    await sign_in(page, user.user.email)
    await expect(page.get_by_text("You are not waiting for any time.")).to_be_visible(
        timeout=10_000
    )

    await page.get_by_text("Wait for a time with the practitioner and service below").click()
    # Only the day whose times are taken: every other day of the form's default fortnight
    # has free times, which would be offered at once.
    day = nine.date().isoformat()
    await page.locator("#wait-from").fill(day)
    await page.locator("#wait-until").fill(day)
    await page.get_by_role("button", name="Join the waitlist").click()
    waitlist = page.get_by_role("list", name="My waitlist")
    await expect(waitlist).to_contain_text("Waiting: Treatment with Maria Keller for Anna Schmidt")
    panel = await staff_panel(browser, server.url, desk.user.email)
    await expect(panel.get_by_role("list", name="Waitlist")).to_contain_text(
        "1. Anna Schmidt: Treatment with Maria Keller", timeout=10_000
    )

    await server_gql(CANCEL, {"id": str(busy.id)}, token=desk.token)
    offer = waitlist.get_by_role("listitem", name=re.compile("^Offer: "))
    await expect(offer).to_contain_text("A time is free for you", timeout=5_000)
    await snap(page, "waitlist-offer")
    await offer.get_by_role("button", name="Take this time").click()

    await expect(page.get_by_role("status")).to_contain_text("Booked: ", timeout=10_000)
    await expect(page.get_by_text("You are not waiting for any time.")).to_be_visible()
    await expect(page.get_by_role("list", name="My upcoming visits")).to_contain_text(
        "Maria Keller"
    )
