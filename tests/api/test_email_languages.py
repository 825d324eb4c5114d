"""Emails in the reader's language, over real SMTP: with the clinic set to German, a
request, its acceptance and rejection (with the reason as written), an invitation, a
password reset and a cancelled visit arrive in German with German dates on the clinic's
clock; a user of the same clinic who chose English gets English."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from resolvers.deps import Deps
from resolvers.visits.reminders import send_due_reminders
from resolvers.waitlist.offers import make_offers
from tests import factories
from tests.api.conftest import Clock
from tests.api.test_holds import REQUEST, hold
from tests.api.test_languages import SET_LANGUAGE
from tests.api.test_reminders import booked_long_ago
from tests.api.test_requests import ACCEPT, REJECT
from tests.api.test_reschedule import booked, move
from tests.api.test_waitlist import STAFF_CANCEL, join, waiting_patients
from tests.mailbox import Mailbox
from tests.support import GraphQL

BERLIN = ZoneInfo("Europe/Berlin")
INVITE = """
mutation($p: ID!, $e: String!) {
  invite(patientId: $p, email: $e, requireVerificationCode: false) { __typename }
}"""
RESET = "mutation($e: String!) { requestPasswordReset(email: $e) { __typename } }"
CANCEL = """
mutation($id: ID!, $reason: String) {
  cancelAppointment(appointmentId: $id, reason: $reason) { __typename }
}"""
GERMAN_DAY = {
    "Mon": "Mo.",
    "Tue": "Di.",
    "Wed": "Mi.",
    "Thu": "Do.",
    "Fri": "Fr.",
    "Sat": "Sa.",
    "Sun": "So.",
}
GERMAN_MONTH = {"Dec": "Dez.", "Jan": "Jan.", "Feb": "Feb.", "Nov": "Nov."}


def german(hour: int, days: int = 2) -> str:
    """The date as a German reader expects it: 'Di., 8. Dez. 2026, 10:00'."""
    local = factories.slot_start(days=days, hour=hour).astimezone(BERLIN)
    day, month = GERMAN_DAY[f"{local:%a}"], GERMAN_MONTH[f"{local:%b}"]
    return f"{day}, {local.day}. {month} {local.year}, {local:%H:%M}"


async def requested_by(
    gql: GraphQL, user: factories.SignedInUser, diary: factories.Diary, patient_id: int, hour: int
) -> str:
    held = await hold(gql, diary, factories.slot_start(hour=hour), user.token)
    variables = {"id": held["appointment"]["id"], "patientId": str(patient_id), "note": None}
    assert (await gql(REQUEST, variables, token=user.token))["request"]["status"] == "REQUESTED"
    return str(held["appointment"]["id"])


async def test_a_german_clinic_writes_german_and_an_english_reader_gets_english(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.set_clinic(
        deps, approval_required=True, notification_email="desk@clinic.example", language="de"
    )
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    jo = await factories.patient(deps, name="Jo Brown", email="jo@example.com")
    anna_user = await factories.user(deps, patients=(anna,), email="anna@example.com")
    jo_user = await factories.user(deps, patients=(jo,), email="jo@example.com")
    await gql(SET_LANGUAGE, {"language": "en"}, token=jo_user.token)
    desk = await factories.staff(deps)

    accepted = await requested_by(gql, anna_user, diary, anna.id, 10)
    rejected = await requested_by(gql, anna_user, diary, anna.id, 11)
    english = await requested_by(gql, jo_user, diary, jo.id, 12)
    await gql(ACCEPT, {"id": accepted, "patientId": str(anna.id)}, token=desk.token)
    reason = "Praxis geschlossen <wegen> Fortbildung"
    await gql(REJECT, {"id": rejected, "reason": reason, "notify": True}, token=desk.token)
    await gql(CANCEL, {"id": accepted, "reason": "Krankheit"}, token=desk.token)

    # Three received and three to the clinic, then accepted, rejected and cancelled.
    await mailbox.wait_for(9)
    to_anna = mailbox.to("anna@example.com")
    by_subject = {m.subject.split(": ", 1)[1]: m for m in to_anna}
    assert len(to_anna) == 5
    assert set(by_subject) == {
        "wir haben Ihre Terminanfrage erhalten",
        "Ihr Termin ist bestätigt",
        "Ihre Terminanfrage",
        "Ihr Termin ist abgesagt",
    }
    times = {line for m in to_anna for line in m.text().splitlines() if line.startswith("Wann: ")}
    assert times == {f"Wann: {german(10)}", f"Wann: {german(11)}"}
    refusal = by_subject["Ihre Terminanfrage"]
    assert f"Grund: {reason}" in refusal.text()
    assert "Grund: Praxis geschlossen &lt;wegen&gt; Fortbildung" in refusal.html()
    assert f"Wann: {german(11)}" in refusal.text()
    assert "Grund: Krankheit" in by_subject["Ihr Termin ist abgesagt"].text()
    to_clinic = mailbox.to("desk@clinic.example")
    assert all(m.subject.startswith("Neue Online-Terminanfrage: ") for m in to_clinic)
    [to_jo] = mailbox.to("jo@example.com")
    assert to_jo.subject.endswith(": we received your appointment request")
    assert "awaiting confirmation" in to_jo.text() and "When: " in to_jo.text()
    assert 'lang="en"' in to_jo.html() and english


async def test_invitations_and_password_resets_in_the_clinics_language(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.set_clinic(deps, language="de")
    mia = await factories.patient(deps, name="Mia Schmidt", email="mia@example.com")
    await factories.user(deps, email="paul@example.com")
    desk = await factories.staff(deps)

    await gql(INVITE, {"p": str(mia.id), "e": "mia@example.com"}, token=desk.token)
    await gql(RESET, {"e": "paul@example.com"})

    await mailbox.wait_for(2)
    [invitation] = mailbox.to("mia@example.com")
    [reset] = mailbox.to("paul@example.com")
    assert invitation.subject.endswith(": Ihre Einladung ins Patientenportal")
    assert "lädt Sie ein, die Termine von Mia Schmidt online zu verwalten" in invitation.text()
    assert reset.subject.endswith(": wählen Sie ein neues Passwort")
    assert "Der Link funktioniert einmal und bis " in reset.text()
    assert 'lang="de"' in reset.html()


async def test_someone_registering_from_a_german_page_reads_german(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.clinic(deps)  # the clinic's language is English
    register = """
    mutation($email: String!) {
      register(email: $email, password: "long enough", name: "Lena Braun") {
        ... on SignIn { token user { language } }
      }
    }"""

    answer = await gql.client.post(
        "/graphql",
        json={"query": register, "variables": {"email": "lena@example.com"}},
        headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"},
    )

    signed_in = answer.json()["data"]["register"]
    assert signed_in["user"] == {"language": "de"}
    await mailbox.wait_for(1)
    [verification] = mailbox.to("lena@example.com")
    assert verification.subject.endswith(": bitte bestätigen Sie Ihre E-Mail-Adresse")


async def test_the_reminder_the_waitlist_offer_and_the_move_arrive_in_german(
    gql: GraphQL, deps: Deps, mailbox: Mailbox, clock: Clock
) -> None:
    """What a German clinic sends between booking and visit: the reminder (its confirm and
    cancel links in German), a freed time offered from the waitlist, and a moved visit."""
    await factories.set_clinic(
        deps,
        approval_required=False,
        notification_email="desk@clinic.example",
        language="de",
        offer_minutes=15,
    )
    reminded = await booked_long_ago(deps, factories.slot_start(days=3, hour=10))
    clock.now = factories.slot_start(days=3, hour=10) - timedelta(hours=47)
    assert await send_due_reminders(deps) == 1
    [reminder] = await mailbox.wait_for(1)
    assert reminder.subject == f"Lindenhof Physiotherapy: Ihr Termin am {german(10, days=3)}"
    assert f"Eine Erinnerung an Ihren Termin am {german(10, days=3)}." in reminder.text()
    assert 'lang="de"' in reminder.html() and reminded.id
    clock.now = datetime.now(UTC)

    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    [waiting] = await waiting_patients(deps, 1)
    nine = factories.slot_start(days=3, hour=9)
    await factories.appointment(deps, diary, start=nine + timedelta(minutes=30))
    busy = await factories.appointment(deps, diary, start=nine)
    assert (await join(gql, waiting, diary))["state"] == "WAITING"
    desk = await factories.staff(deps)
    await gql(STAFF_CANCEL, {"id": str(busy.id)}, token=desk.token)
    assert await make_offers(deps) == 1
    [offered] = [m for m in await mailbox.wait_for(1) if waiting.user.user.email in m.to]
    assert (
        offered.subject
        == f"Lindenhof Physiotherapy: ein Termin ist für Sie frei, {german(9, days=3)}"
    )
    assert "ist frei geworden und wird bis" in offered.text()

    moving = await booked(gql, deps, factories.slot_start(days=4, hour=10), language="de")
    await move(gql, moving.id, factories.slot_start(days=4, hour=11), moving.user.token)
    await mailbox.wait_for(1)
    [moved] = [m for m in mailbox.to(moving.user.user.email) if "verschoben" in m.subject]
    assert moved.subject == (
        f"Lindenhof Physiotherapy: Ihr Termin wurde auf {german(11, days=4)} verschoben"
    )
    assert (
        f"Ihr Termin wurde von {german(10, days=4)} auf {german(11, days=4)} verschoben."
        in moved.text()
    )
    [desk_told] = [m for m in mailbox.to("desk@clinic.example") if "verschoben" in m.subject]
    assert desk_told.subject.startswith("Termin verschoben: ")
