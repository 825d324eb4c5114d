"""Password hashing and checking off the event loop: argon2 takes tens of milliseconds
of CPU by design, and in a worker thread (argon2-cffi releases the GIL) it delays nobody
else's request."""

from __future__ import annotations

import asyncio

from domain.credentials import hash_password, verify_password


async def hashed(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def matches(password_hash: str | None, password: str) -> bool:
    """As `verify_password`: an unknown user (None) is checked against a dummy hash."""
    return await asyncio.to_thread(verify_password, password_hash, password)
