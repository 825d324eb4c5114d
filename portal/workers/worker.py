"""What a worker is: a named task the app's lifespan starts beside the API and cancels at
shutdown, and what it is handed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from portal.live.live_sessions import SocketRegistry
from portal.settings import Settings
from resolvers.deps import Deps

log = logging.getLogger(__name__)

#: Cancelled workers that have not stopped after this long are logged and left behind.
STOP_SECONDS = 5


@dataclass(frozen=True)
class WorkerDeps:
    """What a worker may use: the use cases' dependencies, the portal's settings and this
    process's open sockets."""

    deps: Deps
    settings: Settings
    sockets: SocketRegistry


def _always(_settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class Worker:
    #: The task's name, in logs and in `asyncio` task listings.
    name: str
    run: Callable[[WorkerDeps], Coroutine[Any, Any, None]]
    #: Whether this process runs it, by the settings (a worker a setting turns off).
    wanted: Callable[[Settings], bool] = _always


def start(workers: Iterable[Worker], around: WorkerDeps) -> list[asyncio.Task[None]]:
    """Start each wanted worker as a task named after it."""
    return [
        asyncio.create_task(worker.run(around), name=worker.name)
        for worker in workers
        if worker.wanted(around.settings)
    ]


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the workers and wait for them a while; one that hangs is logged."""
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, stuck = await asyncio.wait(tasks, timeout=STOP_SECONDS)
    if stuck:
        log.warning("Background tasks did not stop in time: %s", [t.get_name() for t in stuck])
