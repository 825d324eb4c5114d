"""Password hashing and checking off the event loop.

argon2 spends hundreds of milliseconds of CPU per check by design. It runs in a pool of
its own, one thread per core, whose threads run at a lower priority (Linux: per-thread
nice), so that however many sign-ins are in flight the event loop still gets a core when
it needs one: sign-ins queue for the pool, other requests do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from domain.credentials import hash_password, verify_password

#: How much nicer than the event loop a password thread is (0 … 19; higher yields more).
#: 10 gives the loop about nine tenths of a core it shares with one; 19 could leave
#: sign-ins with nothing on a host busy with other work.
NICENESS = 10


def _yield_to_the_event_loop() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


T = TypeVar("T")

_pool = ThreadPoolExecutor(
    max_workers=os.cpu_count() or 1,
    thread_name_prefix="passwords",
    initializer=_yield_to_the_event_loop,
)


async def hashed(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def matches(password_hash: str | None, password: str) -> bool:
    """As `verify_password`: an unknown user (None) is checked against a dummy hash."""
    return await asyncio.get_running_loop().run_in_executor(
        _pool, verify_password, password_hash, password
    )


async def in_password_pool(work: Callable[..., T], *args: Any) -> T:
    """Other work that checks secrets with argon2 (an API client's token request)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, work, *args)
