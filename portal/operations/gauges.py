"""Figures of this process that are states, not counts: live subscriptions and database
connections in use. Read at each scrape; with several processes on one host, each also
writes its own every few seconds (`keep_gauges`), so the sum any of them answers is at
most that old."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from prometheus_client import multiprocess

from portal.operations import metrics
from resolvers.deps import Deps

log = logging.getLogger(__name__)
GAUGE_SECONDS = 5.0

_subscriptions: Callable[[], int] = lambda: 0  # noqa: E731 - replaced by the app


def count_subscriptions_with(counter: Callable[[], int]) -> None:
    global _subscriptions
    _subscriptions = counter


def refresh_process_gauges(deps: Deps) -> None:
    metrics.SUBSCRIPTIONS.set(_subscriptions())
    engines = {deps.database.engine, deps.database.read_engine}
    in_use = size = 0
    for engine in engines:
        pool = engine.sync_engine.pool
        in_use += int(getattr(pool, "checkedout", lambda: 0)())
        size += int(getattr(pool, "size", lambda: 0)())
    metrics.POOL_IN_USE.set(in_use)
    metrics.POOL_SIZE.set(size)


async def keep_gauges(deps: Deps) -> None:
    """In multiprocess mode: forget processes of this host that are gone, then write
    this one's gauges every few seconds."""
    _forget_dead_processes()
    while True:
        with contextlib.suppress(Exception):
            refresh_process_gauges(deps)
        await asyncio.sleep(GAUGE_SECONDS)


def _forget_dead_processes() -> None:
    """A process that died without telling leaves its live gauges behind; its counters
    and histograms stay (they only ever rise)."""
    folder = os.environ.get(metrics.MULTIPROCESS_DIR)
    if not folder:
        return
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
