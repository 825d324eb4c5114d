"""The patient's cycle end to end, on a real server process and a real SMTP server: a
patient moves her visit; the time it left is offered live to a patient on the waitlist,
who takes it; each gets emails whose calendar files name one event per visit, its
SEQUENCE raised by the move."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import httpx
from icalendar import Calendar

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import REQUEST, hold
from tests.api.test_reschedule import MOVE
from tests.api.test_waitlist import JOIN, wish
from tests.conftest import running_servers
from tests.mailbox import Mailbox, Received
from tests.support import GraphQL, LiveSocket

MY_UPDATES = "subscription { myAppointmentUpdates { id status start } }"
ACCEPT = """
mutation($id: ID!) { acceptOffer(offerId: $id) { __typename ... on Appointment { id status } } }
"""


def events(received: Received) -> list[tuple[str, int, datetime]]:
    """(UID, SEQUENCE, start) of each event in the email's calendar file."""
    found = []
    for part in received.message.walk():
        if part.get_content_type() == "text/calendar":
            text = part.get_payload(decode=True)
            assert isinstance(text, bytes)
            for event in Calendar.from_ical(text).walk("VEVENT"):
                found.append(
                    (str(event["UID"]), event.decoded("SEQUENCE"), event.decoded("DTSTART"))
                )
    return found


async def test_a_moved_visit_frees_its_time_for_the_waitlist_and_every_calendar_follows(
    settings: Settings, run_dir: Path, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    nine = factories.slot_start(days=3, hour=9)
    await factories.appointment(deps, diary, start=nine + timedelta(minutes=30))
    anna_patient = await factories.patient(deps, name="Anna Schmidt")
    anna = await factories.user(deps, patients=(anna_patient,), email="anna@example.com")
    ben_patient = await factories.patient(deps, name="Ben Weber")
    ben = await factories.user(deps, patients=(ben_patient,), email="ben@example.com")
    later = factories.slot_start(days=4, hour=9)

    with running_servers(settings, run_dir, 1, WAITLIST_SECONDS="0.2") as [server]:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            gql = GraphQL(client)
            visit = (await hold(gql, diary, nine, anna.token))["appointment"]["id"]
            await gql(REQUEST, {"id": visit, "patientId": str(anna_patient.id)}, token=anna.token)
            joined = await gql(JOIN, {"input": wish(diary, ben_patient.id)}, token=ben.token)
            assert joined["joinWaitlist"]["state"] == "WAITING"

            async with LiveSocket(server.ws_url, ben.token) as bens_portal:
                await bens_portal.subscribe(MY_UPDATES)
                moved = await gql(MOVE, {"id": visit, "start": later.isoformat()}, token=anna.token)
                assert moved["rescheduleAppointment"]["__typename"] == "Appointment"
                offer = (await bens_portal.next_data(timeout=5))["myAppointmentUpdates"]

            assert (offer["status"], datetime.fromisoformat(offer["start"])) == ("TEMPORARY", nine)
            taken = await gql(ACCEPT, {"id": offer["id"]}, token=ben.token)
            assert taken["acceptOffer"]["status"] == "BOOKED"
            await mailbox.wait_for(4)

    annas = [e for m in mailbox.to("anna@example.com") for e in events(m)]
    bens = [e for m in mailbox.to("ben@example.com") for e in events(m)]
    assert [(seq, start) for _, seq, start in annas] == [(0, nine), (1, later)]
    assert len({uid for uid, _, _ in annas}) == 1
    [(ben_uid, ben_sequence, ben_start)] = bens
    assert (ben_sequence, ben_start) == (0, nine) and ben_uid != annas[0][0]
