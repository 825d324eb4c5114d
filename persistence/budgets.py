"""Where cost budgets are counted: the `limits` library's sliding window counter, in
Redis when the broadcaster is Redis (every process of the deployment spends from the
same budget), else in this process's memory (the embedded default is one process).

Keys hold the subject only as a digest and start with the deployment's channel prefix,
so deployments sharing one Redis never share a budget (user ids repeat across them).
A budget never falls back to counting in one process (that would widen it by the number
of processes, under attack most of all): a charge waits its turn for a Redis connection
up to 2 s, and while Redis cannot be reached or is that slow the Redis error goes up,
which the schema answers UNAVAILABLE with Retry-After (the client tries again).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from domain.budgets import WINDOW_SECONDS, Window

log = logging.getLogger(__name__)

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


@dataclass(frozen=True)
class Spending:
    """Whether the cost was spent (all of it, or nothing), and the window afterwards."""

    spent: bool
    window: Window


#: Redis connections a process's budget charges may hold at once.
REDIS_CONNECTIONS = 64


class CostBudgets:
    """`spend(subject, cost, per_minute)`: atomically, within the budget or not at all."""

    def __init__(self, storage: Storage, pool: BlockingConnectionPool | None = None) -> None:
        self._storage = storage
        self._pool = pool
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    async def spend(self, subject: str, cost: int, per_minute: int) -> Spending:
        item = RateLimitItemPerMinute(per_minute)
        key = hashlib.sha256(subject.encode()).hexdigest()[:32]
        spent = await self._limiter.hit(item, key, cost=cost)
        counts = await self._storage.get_sliding_window(  # type: ignore[attr-defined]
            item.key_for(key), item.get_expiry()
        )
        previous, previous_ttl, current, current_ttl = counts
        window = Window(int(previous), float(previous_ttl), int(current), float(current_ttl))
        return Spending(spent=spent, window=window)

    async def forget_all(self) -> None:
        await self._storage.reset()

    async def close(self) -> None:
        if isinstance(self._storage, RedisStorage):
            connection = getattr(self._storage, "bridge", None)
            client = getattr(connection, "storage", None)
            if client is not None and hasattr(client, "aclose"):
                await client.aclose()
        if self._pool is not None:
            await self._pool.disconnect()


def cost_budgets_for(broadcast_url: str, prefix: str) -> CostBudgets:
    """Redis beside a Redis broadcaster, this process's memory beside the in-memory one."""
    if broadcast_url.startswith(("redis://", "rediss://")):
        # A bounded pool that makes a charge wait its turn (up to 2 s) for a connection:
        # the default pool refuses outright past its limit, and at a surge's peak the
        # budgets would fall back to counting in this process only.
        pool = BlockingConnectionPool.from_url(
            broadcast_url,
            max_connections=REDIS_CONNECTIONS,
            timeout=2,
            socket_timeout=2,
            socket_connect_timeout=2,
            # A pooled connection that Redis dropped (a restart, an idle timeout) is
            # replaced once, so only an outage, never a stale connection, is UNAVAILABLE.
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        storage = RedisStorage(
            broadcast_url,
            implementation="redispy",
            key_prefix=f"portal:budget:{prefix}",
            connection_pool=pool,  # type: ignore[arg-type]
        )
        return CostBudgets(storage, pool)
    return CostBudgets(MemoryStorage())


assert RateLimitItemPerMinute(1).get_expiry() == WINDOW_SECONDS
