"""The staff panel in headless Chromium on a real server: requests answered with the
patient chosen among the matches, as a new patient, or rejected with a reason; online
registrations merged or confirmed; a patient's cancel request seen and answered, live."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import count

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from resolvers.deps import Deps
from tests import factories
from tests.browser.pages import PHONE, fits_the_screen, open_page, sign_in, snap, staff_panel
from tests.support import GraphQL, ServerProcess

REGISTER = """
mutation($email: String!, $name: String!, $birthDate: Date) {
  register(email: $email, password: "long enough password", name: $name, birthDate: $birthDate) {
    ... on SignIn { token user { patients { id } } }
  }
}"""
HOLD = """
mutation($p: ID!, $s: ID!, $start: DateTime!) {
  hold(practitionerId: $p, serviceId: $s, start: $start) { __typename ... on Hold { appointment { id } } }
}"""
REQUEST = """
mutation($id: ID!, $patientId: ID!) {
  request(appointmentId: $id, patientId: $patientId) { __typename ... on Appointment { id status } }
}"""
APPOINTMENT = (
    "query($id: ID!) { appointment(id: $id) { status rejectionReason patient { id name } } }"
)
MY_PATIENTS = "{ me { patients { id name provisional } } }"

#: Each portal user comes from an address of its own (the server trusts 127.0.0.1 as a
#: proxy), so per-address limits on registrations and holds never decide a test.
_addresses = (f"198.51.100.{n}" for n in count(1))


class Portal:
    """One patient's portal, speaking to the server over HTTP from its own address."""

    def __init__(self, server: ServerProcess) -> None:
        self.url = server.url
        self.address = next(_addresses)
        self.token: str | None = None

    async def __call__(self, query: str, variables: dict[str, object] | None = None) -> dict:
        headers = {"X-Forwarded-For": self.address}
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30) as client:
            return await GraphQL(client)(query, variables, token=self.token)

    async def register(self, name: str, email: str, birth_date: str | None = None) -> str:
        signed = (await self(REGISTER, {"email": email, "name": name, "birthDate": birth_date}))[
            "register"
        ]
        self.token = signed["token"]
        return str(signed["user"]["patients"][0]["id"])

    async def book(self, diary: factories.Diary, start: datetime, patient_id: str) -> str:
        variables = {"p": diary.practitioner_id, "s": diary.service_id, "start": start.isoformat()}
        held = (await self(HOLD, variables))["hold"]
        assert held["__typename"] == "Hold", held
        done = await self(REQUEST, {"id": held["appointment"]["id"], "patientId": patient_id})
        assert done["request"]["__typename"] == "Appointment", done
        return str(done["request"]["id"])


def row(page: Page, list_name: str, text: str) -> Locator:
    return page.get_by_role("list", name=list_name).get_by_role("listitem").filter(has_text=text)


async def test_staff_accept_with_a_chosen_match_admit_a_new_patient_and_reject_with_a_reason(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    diary = await factories.online_practitioner(deps)
    known_anna = await factories.patient(deps, name="Anna Schmidt", birth_date=None)
    await factories.patient(
        deps, name="Anna Schmidt", email="anna.schmidt@example.org", birth_date=None
    )
    paul = await factories.patient(deps, name="Paul Becker", email="paul@example.com")
    paul_user = await factories.user(deps, patients=(paul,), name="Paul Becker")
    desk = await factories.staff(deps)

    # Two newcomers book online before the desk opens the panel.
    anna_online = Portal(server)
    anna_patient = await anna_online.register("Anna Schmidt", "anna.new@example.net")
    anna_request = await anna_online.book(diary, factories.slot_start(2, 9), anna_patient)
    jonas = Portal(server)
    jonas_request = await jonas.book(
        diary, factories.slot_start(2, 11), await jonas.register("Jonas Weber", "jonas@example.net")
    )

    started = await server.subscriptions_started()
    panel = await staff_panel(browser, server.url, desk.user.email)
    pending = "Requests waiting for an answer"
    await expect(panel.get_by_text("Waiting for an answer: 2")).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 1)

    # A known patient's request arrives while the panel is open.
    paul_portal = Portal(server)
    paul_portal.token = paul_user.token
    paul_request = await paul_portal.book(diary, factories.slot_start(3, 10), str(paul.id))
    await expect(panel.get_by_text("Waiting for an answer: 3")).to_be_visible(timeout=10_000)
    await expect(panel.get_by_role("list", name="As it happens")).to_contain_text(
        "New request: Paul Becker"
    )
    await snap(panel, "panel-01-three-requests")

    # The desk starts on Paul's rejection; the live refreshes of the answers that follow
    # leave what it typed alone.
    paul_row = row(panel, pending, "Paul Becker")
    await paul_row.get_by_label("Reason").fill("Maria is away that week")
    await paul_row.get_by_label("Email the patient").uncheck()

    # Two records may be the online Anna: the desk picks the one on file with her email.
    anna_row = row(panel, pending, "new online patient").filter(has_text="Anna Schmidt")
    choices = anna_row.get_by_role("radio")
    await expect(choices).to_have_count(3)
    await anna_row.get_by_label(re.compile(r"^ ?Anna Schmidt \(anna@example\.com\)")).check()
    await snap(panel, "panel-02-choosing-a-match")
    await anna_row.get_by_role("button", name="Accept").click()
    await expect(panel.get_by_role("status").first).to_contain_text(
        "Accepted: Anna Schmidt", timeout=10_000
    )

    # Nobody resembles Jonas: "a new patient" is the choice already made.
    jonas_row = row(panel, pending, "Jonas Weber")
    await expect(jonas_row.get_by_label("A new patient (none of these)")).to_be_checked()
    await jonas_row.get_by_role("button", name="Accept").click()
    await expect(panel.get_by_role("status").first).to_contain_text(
        "Accepted: Jonas Weber", timeout=10_000
    )

    await paul_row.get_by_role("button", name="Reject").click()
    await expect(panel.get_by_role("status").first).to_contain_text(
        "Rejected: Paul Becker", timeout=10_000
    )
    await expect(panel.get_by_role("status").first).to_contain_text("no email sent")
    await expect(panel.get_by_text("Nothing waiting")).to_be_visible()
    await snap(panel, "panel-03-all-answered")

    staff_view = {
        key: (await server_gql(APPOINTMENT, {"id": key}, token=desk.token))["appointment"]
        for key in (anna_request, jonas_request, paul_request)
    }
    assert staff_view[anna_request]["status"] == "BOOKED"
    assert staff_view[anna_request]["patient"]["id"] == str(known_anna.id)
    assert staff_view[jonas_request]["patient"]["name"] == "Jonas Weber"
    assert staff_view[jonas_request]["status"] == "BOOKED"
    assert staff_view[paul_request]["status"] == "REJECTED"
    assert staff_view[paul_request]["rejectionReason"] == "Maria is away that week"


async def test_staff_merge_one_registration_and_confirm_another(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    paul = await factories.patient(deps, name="Paul Becker", email="paul@example.com")
    desk = await factories.staff(deps)
    paul_online = Portal(server)
    await paul_online.register("Paul Becker", "paul.becker@example.net")

    started = await server.subscriptions_started()
    panel = await staff_panel(browser, server.url, desk.user.email, PHONE)
    registrations = "Online registrations"
    await expect(panel.get_by_text("To merge or confirm: 1")).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 1)

    lena = Portal(server)
    await lena.register("Lena Vogel", "lena@example.net", "1990-02-03")
    await expect(panel.get_by_text("To merge or confirm: 2")).to_be_visible(timeout=10_000)
    await expect(panel.get_by_role("list", name="As it happens")).to_contain_text(
        "New online registration: Lena Vogel"
    )
    lena_row = row(panel, registrations, "Lena Vogel")
    await expect(lena_row).to_contain_text("No existing patient resembles this registration.")
    await snap(panel, "panel-04-registrations")

    paul_row = row(panel, registrations, "Paul Becker")
    await paul_row.get_by_label(
        re.compile(r"Paul Becker \(born 12 Apr 1986, paul@example\.com\)")
    ).check()
    await paul_row.get_by_role("button", name="Merge into the chosen patient").click()
    await expect(panel.get_by_role("status").first).to_have_text(
        "Merged: the registration of Paul Becker into Paul Becker", timeout=10_000
    )
    await lena_row.get_by_role("button", name="Confirm as a new patient").click()
    await expect(panel.get_by_role("status").first).to_have_text(
        "Confirmed: Lena Vogel is a new patient", timeout=10_000
    )
    await expect(panel.get_by_text("No new registrations")).to_be_visible()
    assert await fits_the_screen(panel)
    await snap(panel, "panel-05-registrations-done-phone")

    assert (await paul_online(MY_PATIENTS))["me"]["patients"] == [
        {"id": str(paul.id), "name": "Paul Becker", "provisional": False}
    ]
    assert [p["provisional"] for p in (await lena(MY_PATIENTS))["me"]["patients"]] == [False]


async def test_a_patient_confirms_asks_to_cancel_takes_it_back_and_the_desk_cancels(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False, patient_cancel_enabled=True)
    await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    anna_user = await factories.user(deps, patients=(anna,), name="Anna Schmidt")
    desk = await factories.staff(deps)

    started = await server.subscriptions_started()
    panel = await staff_panel(browser, server.url, desk.user.email)
    await expect(panel.get_by_text("Nobody is asking to cancel")).to_be_visible(timeout=10_000)
    page = await open_page(browser, f"{server.url}/book/")
    await page.get_by_role("button", name="Sign in").click()
    await sign_in(page, anna_user.user.email)
    await expect(page.get_by_text("No upcoming visits.")).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 3)

    # The clinic needs no approval: the request is a booking at once.
    await page.locator("#slots button.slot").first.click()
    await page.get_by_role("button", name="Request this time").click()
    await expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^Booked: \w{3} \d{1,2} \w{3}, \d\d:\d\d with Maria Keller$"), timeout=10_000
    )
    visit = page.get_by_role("list", name="My upcoming visits").get_by_role("listitem")
    await expect(visit).to_contain_text("please confirm or cancel")

    await visit.get_by_role("button", name="Confirm").click()
    await expect(visit).to_contain_text("you confirmed you will come", timeout=10_000)
    await visit.get_by_role("button", name="Undo my answer").click()
    await expect(visit).to_contain_text("please confirm or cancel", timeout=10_000)

    await visit.get_by_role("button", name="Cancel", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Cancellation sent", timeout=10_000)
    await expect(visit).to_contain_text("cancellation sent", timeout=10_000)
    await expect(visit).to_contain_text("Cancellation requested: ")
    await expect(page.get_by_role("status")).to_contain_text("Cancellation sent")
    asking = row(panel, "Patients asking to cancel", "Anna Schmidt")
    await expect(asking).to_have_count(1, timeout=10_000)
    await expect(panel.get_by_role("list", name="As it happens")).to_contain_text(
        "Patient asks to cancel: Anna Schmidt"
    )
    await snap(page, "visits-01-cancel-requested")
    await snap(panel, "panel-06-cancel-request")

    # She changes her mind: the desk sees the withdrawal and the request goes away.
    await visit.get_by_role("button", name="Undo my answer").click()
    await expect(panel.get_by_role("list", name="As it happens")).to_contain_text(
        "Patient withdrew a cancellation: Anna Schmidt", timeout=10_000
    )
    await expect(asking).to_have_count(0)

    await visit.get_by_role("button", name="Cancel", exact=True).click()
    await expect(asking).to_have_count(1, timeout=10_000)
    await asking.get_by_label("Note").fill("Cancelled as asked")
    await asking.get_by_role("button", name="Cancel the visit").click()
    await expect(panel.get_by_role("status").first).to_contain_text(
        "Cancelled: Anna Schmidt", timeout=10_000
    )
    await expect(panel.get_by_text("Nobody is asking to cancel")).to_be_visible()
    # The patient's page hears the clinic's answer live.
    await expect(visit).to_contain_text("Cancelled:", timeout=10_000)
    await snap(page, "visits-02-cancelled-by-the-clinic")
    await snap(panel, "panel-07-cancel-answered")


async def test_the_panel_signs_out_when_its_session_ends_elsewhere(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    started = await server.subscriptions_started()
    panel = await staff_panel(browser, server.url, desk.user.email)
    await expect(panel.get_by_text("Nothing waiting")).to_be_visible(timeout=10_000)
    await server.wait_subscriptions_started(started + 1)
    token = await panel.evaluate(
        "Object.entries(sessionStorage).find(([k]) => k.startsWith('portal-token'))[1]"
    )

    desk_elsewhere = Portal(server)
    desk_elsewhere.token = str(token)
    await desk_elsewhere("mutation { logout }")

    await expect(panel.get_by_role("status").first).to_contain_text(
        "Your session has ended", timeout=10_000
    )
    await expect(panel.get_by_role("form", name="Sign in")).to_be_visible()
    await expect(panel.get_by_role("heading", name="Requests waiting for an answer")).to_be_hidden()
    await snap(panel, "panel-08-session-ended")
