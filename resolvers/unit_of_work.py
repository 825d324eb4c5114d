"""One transaction per use case; its events and emails leave only after it commits."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from domain.messages import SENDER, Email
from domain.webhook_events import PartnerEvent
from persistence.models import EventOutboxRow
from persistence.unit_of_work import SqlUnitOfWork
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.mail.calendar import invite_file
from resolvers.webhooks.staging import stage_deliveries
from subscriptions.events import Event, SlotChanged, SlotState
from subscriptions.history import Staged

#: Relayed events a process remembers for its relay worker to delete.
MAX_REMEMBERED = 100_000


class UnitOfWork(SqlUnitOfWork):
    """`async with UnitOfWork(deps) as uow:` … `await uow.commit()`.

    Rolls back unless committed. Emails staged with `mail` are outbox rows of the same
    transaction, and so are the live events staged with `emit`: nobody hears of a change
    that was rolled back, and every committed one is heard of. This process relays its
    events at once after the commit; what it could not relay (it died, the feed was
    away), any process relays a few seconds later (`resolvers/live/relay.py`). Partners'
    webhooks are delivery rows written from those events (and `tell_partners` facts)
    just before the commit.
    """

    def __init__(self, deps: Deps, *, write: bool = True) -> None:
        super().__init__(deps.database, write=write)
        self._deps = deps
        self._hub = deps.hub
        self._events: list[Event] = []
        self._unstaged: list[Event] = []
        self._written: list[EventOutboxRow] = []
        self._facts: list[PartnerEvent] = []
        self._wakes_waitlist = False
        self._counted: list[tuple[Fact, int]] = []

    def emit(self, *events: Event, written: list[EventOutboxRow] | None = None) -> None:
        """Announce `events` once this commits. `written`: their rows, already written
        by a repository's own statement (`prepare`); else they are staged at commit."""
        self._events.extend(events)
        if written is None:
            self._unstaged.extend(events)
        else:
            self._written.extend(written)

    def prepare(self, *events: Event) -> list[EventOutboxRow]:
        """Rows for events a repository may write in the statement of the change itself
        (a hold's, with its new id spliced in), saving a round trip; `emit` them with
        `written=` when it did."""
        return [_staged(event, self._deps.now()) for event in events]

    def wake_waitlist(self) -> None:
        """Once this commits, look for waitlist offers at once (a time freed, someone
        joined or let an offer go)."""
        self._wakes_waitlist = True

    def count(self, fact: Fact, amount: int = 1) -> None:
        """Count `fact` for the metrics once this commits."""
        self._counted.append((fact, amount))

    def tell_partners(self, *facts: PartnerEvent) -> None:
        """Something only webhooks tell (no live subscriber hears of it)."""
        self._facts.extend(facts)

    def now(self) -> datetime:
        return self._deps.now()

    def mail(self, email: Email, now: datetime) -> None:
        """Stage `email`; a visit it tells of goes with it as a calendar file."""
        if email.invite is not None:
            calendar = invite_file(
                email.invite,
                to=email.to,
                organizer=SENDER,
                public_url=self._deps.settings.public_url,
                stamp=now,
            )
            email = replace(email, calendar=calendar)
        self.outbox.add(email, now)

    async def commit(self) -> None:
        written = await stage_deliveries(
            self, self._events, self._facts, self._deps.now(), self._deps.reads
        )
        slots = [e for e in self._events if isinstance(e, SlotChanged)]
        if slots:
            await self.touches_diaries_of({e.practitioner_id for e in slots})
        self._wakes_waitlist = self._wakes_waitlist or any(e.state is SlotState.FREE for e in slots)
        staged = [_staged(event, self._deps.now()) for event in self._unstaged]
        await self.events.stage(staged)
        await super().commit()
        staged = [*self._written, *staged]
        self._facts, self._events, self._unstaged, self._written = [], [], [], []
        if written:
            self._deps.webhooks_written.set()
        if self._wakes_waitlist:
            self._deps.waitlist_wake.set()
        for fact, amount in self._counted:
            self._deps.facts.add(fact, amount)
        self._counted = []
        relayed = staged and await self._hub.relay([relayable(row) for row in staged])
        # Remembered for the relay worker to forget; with no worker running, past this
        # many the rows stay staged (and are skipped by their ids when relayed again).
        if relayed and len(self._deps.relayed_events) < MAX_REMEMBERED:
            self._deps.relayed_events.update(row.event_id for row in staged)


def _staged(event: Event, now: datetime) -> EventOutboxRow:
    return EventOutboxRow(
        event_id=secrets.token_hex(16),
        channels=" ".join(event.channels()),
        body=event.to_json(),
        created_at=now,
    )


def relayable(row: EventOutboxRow) -> Staged:
    return Staged(row.event_id, tuple(row.channels.split()), row.body)
