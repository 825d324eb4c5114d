"""A websocket subscription pays its cost when it starts: once the budget is spent, the
next subscribe is refused with RATE_LIMITED and the socket stays open for later."""

from __future__ import annotations

from pathlib import Path

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.conftest import running_servers
from tests.live.test_live_slots import SLOT_CHANGES, window
from tests.support import LiveSocket

#: slotChanges returns one object per change: each subscribe costs 1.
BUDGET = 2


async def test_subscribing_spends_the_budget_and_past_it_is_refused(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    variables = window(diary, factories.slot_start())
    with running_servers(settings, run_dir, 1, COST_BUDGET_PER_MINUTE=str(BUDGET)) as (server,):
        async with LiveSocket(server.ws_url) as socket:
            for _ in range(BUDGET):
                await socket.subscribe(SLOT_CHANGES, variables)
            refused_id = await socket.subscribe(SLOT_CHANGES, variables)
            answer = await socket.receive()
            done = await socket.receive()

    # Refused as any operation that cannot start: its errors, then its end.
    assert answer["id"] == done["id"] == refused_id
    assert answer["payload"]["data"] is None
    assert done["type"] == "complete"
    (error,) = answer["payload"]["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfterSeconds"] >= 1
    assert error["extensions"]["budget"]["remaining"] == 0
