"""Every event a change causes is written with the change: a hold's own events carry
its id, whether they are written in the hold's statement (PostgreSQL) or after it."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from persistence.models import EventOutboxRow
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import RELEASE, hold
from tests.support import GraphQL


async def staged(deps: Deps) -> list[dict]:
    async with deps.database.reader() as session:
        rows = (await session.execute(select(EventOutboxRow).order_by(EventOutboxRow.id))).scalars()
        return [json.loads(row.body) | {"channels": row.channels} for row in rows]


async def test_a_hold_is_written_with_its_events_which_name_it(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    user = await factories.user(deps)
    start = factories.slot_start(hour=10)

    held = await hold(gql, diary, start, user.token)
    events = await staged(deps)

    appointment = int(held["appointment"]["id"])
    practitioner = int(diary.practitioner_id)
    slot_changes = [e for e in events if "state" in e]
    assert [(e["practitioner_id"], e["state"], e["channels"]) for e in slot_changes] == [
        (practitioner, "HELD", f"portal.slots.{practitioner}")
    ]
    assert datetime.fromisoformat(slot_changes[0]["start"]) == start
    assert [e for e in events if "appointment_id" in e] == [
        {
            "appointment_id": appointment,
            "patient_id": None,
            "user_id": user.user.id,
            "practitioner_id": practitioner,
            "channels": f"portal.diary.{practitioner} portal.user.{user.user.id}",
        }
    ]


async def test_a_hold_refused_by_the_policy_leaves_no_event(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, max_live_holds=1)
    diary = await factories.online_practitioner(deps)
    user = await factories.user(deps)
    first = await hold(gql, diary, factories.slot_start(hour=10), user.token)
    before = await staged(deps)

    refused = await hold(gql, diary, factories.slot_start(hour=11), user.token)
    after = await staged(deps)
    await gql(RELEASE, {"id": first["appointment"]["id"]}, token=user.token)

    assert refused["__typename"] == "NotAllowed"
    assert after == before
