"""SIGTERM, as a load balancer needs it: readiness turns 503 at once, the process goes on
serving for `SHUTDOWN_DRAIN_SECONDS` (while the balancer notices), then uvicorn's own
graceful shutdown runs: it stops accepting, closes websockets with 1012 (service
restart: resume elsewhere) and lets requests in flight finish."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from portal.operations.readiness import Readiness

log = logging.getLogger(__name__)


def drain_on_sigterm(readiness: Readiness, drain_seconds: float) -> Callable[[], None]:
    """Put ourselves before the SIGTERM handler uvicorn installed in this process, and
    return how to take it back. Anywhere else (tests' in-process app, another server)
    nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    uvicorns: Any = signal.getsignal(signal.SIGTERM)
    if getattr(uvicorns, "__name__", "") != "handle_exit":
        return lambda: None
    loop = asyncio.get_running_loop()

    def stop(sig: int, frame: FrameType | None) -> None:
        log.info("Draining for %s s, then shutting down", drain_seconds)
        loop.call_later(drain_seconds, uvicorns, sig, frame)

    def on_sigterm(sig: int, frame: FrameType | None) -> None:
        if readiness.draining:  # asked twice: stop now
            uvicorns(sig, frame)
            return
        readiness.draining = True
        loop.call_soon_threadsafe(stop, sig, frame)

    def undo() -> None:
        signal.signal(signal.SIGTERM, uvicorns)

    signal.signal(signal.SIGTERM, on_sigterm)
    return undo
