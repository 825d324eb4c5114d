"""The last-used writer: writes when sessions were last used, as requests noted them
(`resolvers.accounts.session_checks.note_use`), a batch a second at most."""

from __future__ import annotations

import asyncio

from portal.workers.worker import WorkerDeps
from resolvers.accounts.session_checks import write_uses

#: The name of the task that writes them, beside the requests.
LAST_USED_TASK = "last-used"
LAST_USED_FLUSH_SECONDS = 1.0


async def write_last_used(around: WorkerDeps) -> None:
    """Wait for a noted use, gather more for a second, write them together; again."""
    deps = around.deps
    while True:
        await deps.session_uses.waiting.wait()
        await asyncio.sleep(LAST_USED_FLUSH_SECONDS)
        await write_uses(deps)
