"""What `portal serve` tells a newcomer once it listens: where GraphQL, GraphiQL and the
example pages are, and the demo sign-ins when the demo data is in the database."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import uvicorn

from portal.demo import (
    PATIENT_EMAIL,
    PATIENT_PASSWORD,
    PRACTITIONER_EMAIL,
    PRACTITIONER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
)
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

DEMO_SIGN_INS = (
    ("staff", STAFF_EMAIL, STAFF_PASSWORD),
    ("patient", PATIENT_EMAIL, PATIENT_PASSWORD),
    ("practitioner", PRACTITIONER_EMAIL, PRACTITIONER_PASSWORD),
)

#: Addresses that mean "every interface": shown as the loopback address a browser can open.
_ANY = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


@dataclass(frozen=True)
class Orientation:
    graphiql: bool
    pages: bool
    demo_sign_ins: bool
    #: A query for the demo's free slots this week, dated today (None without the demo).
    slot_query: str | None = None

    def lines(self, host: str, port: int) -> list[str]:
        shown = _ANY.get(host, host)
        url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
        lines = ["Clinic portal booking API is listening."]
        if self.graphiql:
            lines.append(f"  GraphQL, and GraphiQL in a browser: {url}/graphql")
        else:
            lines.append(f"  GraphQL: {url}/graphql (GraphiQL is off in production)")
        if self.pages:
            lines.append(f"  Booking page: {url}/book/")
            lines.append(f"  Staff panel:  {url}/panel/")
        if self.demo_sign_ins:
            lines.append("  Demo sign-ins:")
            lines += [
                f"    {who:<14}{email} / {password}" for who, email, password in DEMO_SIGN_INS
            ]
        if self.slot_query:
            lines.append("  Free slots in the coming week, to paste into GraphiQL:")
            lines.append(f"    {self.slot_query}")
        return lines


#: The demo practitioner and service the slot query names.
DEMO_PRACTITIONER = "Maria Keller"
DEMO_SERVICE = "Follow-up treatment"


async def demo_slot_query(deps: Deps) -> str | None:
    """The demo's slot query with this week's dates in the clinic's time zone, so the
    query a newcomer pastes always finds slots (fixed dates would soon find none)."""
    async with UnitOfWork(deps, write=False) as uow:
        practitioner = next(
            (p for p in await uow.catalog.practitioners() if p.name == DEMO_PRACTITIONER), None
        )
        service = next((s for s in await uow.catalog.services() if s.name == DEMO_SERVICE), None)
        zone = ZoneInfo((await uow.clinic.get()).time_zone)
    if practitioner is None or service is None:
        return None
    start = datetime.combine(deps.now().astimezone(zone).date(), time(), zone)
    end = start + timedelta(days=7)
    return (
        f'{{ availableSlots(practitionerId: "{practitioner.id}", serviceId: "{service.id}", '
        f'from: "{start.isoformat()}", to: "{end.isoformat()}") '
        "{ slots { start end location { name } } } }"
    )


async def demo_sign_ins_present(deps: Deps) -> bool:
    """Whether the demo's staff sign-in is in the database (loaded now or before)."""
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.users.by_email(STAFF_EMAIL) is not None


class OrientingServer(uvicorn.Server):
    """uvicorn's server, which prints the orientation to stdout once it listens."""

    def __init__(self, config: uvicorn.Config, orientation: Orientation) -> None:
        super().__init__(config)
        self.orientation = orientation

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            port = self.servers[0].sockets[0].getsockname()[1] if self.servers else self.config.port
            print("\n".join(self.orientation.lines(self.config.host, port)), flush=True)
