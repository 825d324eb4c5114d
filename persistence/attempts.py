"""Where attempt tallies are kept: Redis when the broadcaster is Redis (every process
shares them), else this process's memory (the embedded default is one process).

`spend` is all-or-nothing and atomic: it counts one attempt against every charge, or,
when any of them must still wait, counts none and says how long. The rules are
`domain.throttling`'s; Redis applies them in one Lua script, fed each budget's delays.
"""

from __future__ import annotations

import functools
import json
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from redis import asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from domain.throttling import Budget, Charge, Tally, counted, current, refunded, wait

log = logging.getLogger(__name__)


class AttemptStore(Protocol):
    async def spend(self, now: float, charges: Sequence[Charge]) -> float:
        """0 when one attempt was counted against each charge; otherwise the seconds to
        wait, and nothing was counted."""
        ...

    async def refund(self, charge: Charge) -> None:
        """Take back one attempt counted in advance (it succeeded)."""
        ...

    async def clear(self, charge: Charge) -> None:
        """Start the subject's tally again from nothing."""
        ...

    async def forget_all(self) -> None: ...

    async def close(self) -> None: ...


class MemoryAttempts:
    """Tallies in this process, the least recently used dropped beyond `capacity`."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._tallies: OrderedDict[str, Tally] = OrderedDict()
        self._capacity = capacity

    async def spend(self, now: float, charges: Sequence[Charge]) -> float:
        # No await in here: on one event loop this is atomic.
        tallies = [current(c.budget, self._tallies.get(c.key), now) for c in charges]
        waits = [wait(c.budget, t, now) for c, t in zip(charges, tallies, strict=True)]
        if any(waits):
            return max(waits)
        for charge, tally in zip(charges, tallies, strict=True):
            self._tallies[charge.key] = counted(tally, now)
            self._tallies.move_to_end(charge.key)
        while len(self._tallies) > self._capacity:
            self._tallies.popitem(last=False)
        return 0.0

    async def refund(self, charge: Charge) -> None:
        if (tally := self._tallies.get(charge.key)) is not None:
            self._tallies[charge.key] = refunded(tally)

    async def clear(self, charge: Charge) -> None:
        self._tallies.pop(charge.key, None)

    async def forget_all(self) -> None:
        self._tallies.clear()

    async def close(self) -> None:
        pass


# KEYS: one hash per charge. ARGV[1]: now; ARGV[1 + i]: charge i's budget as JSON
# {"forget": s, "keep": s, "delays": [delay after the 1st, 2nd … attempt]}.
# Mirrors domain.throttling: current(), wait(), counted().
_SPEND = """
local now = tonumber(ARGV[1])
local longest = 0
local counts = {}
local budgets = {}
for i, key in ipairs(KEYS) do
  local budget = cjson.decode(ARGV[i + 1])
  local count = tonumber(redis.call('HGET', key, 'count') or '0')
  local last = tonumber(redis.call('HGET', key, 'last') or '0')
  if count > 0 and now - last >= budget.forget then count = 0 end
  if count > 0 then
    local delay = budget.delays[math.min(count, #budget.delays)]
    local left = last + delay - now
    if left > longest then longest = left end
  end
  counts[i] = count
  budgets[i] = budget
end
if longest > 0 then return tostring(longest) end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'count', counts[i] + 1, 'last', ARGV[1])
  redis.call('EXPIRE', key, budgets[i].keep)
end
return '0'
"""

_REFUND = """
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if count > 0 then redis.call('HSET', KEYS[1], 'count', count - 1) end
return count
"""

PREFIX = "portal:attempts:"
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class RedisAttempts:
    """Tallies in Redis, shared by every process of one deployment: keys start with the
    deployment's channel prefix, so deployments sharing a Redis never count (or forget)
    each other's attempts. While Redis cannot be reached, this process counts in its own
    memory (logged) rather than refusing or waving through."""

    def __init__(self, url: str, prefix: str = "") -> None:
        self._prefix = f"{PREFIX}{prefix}:" if prefix else PREFIX
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._spend = self._redis.register_script(_SPEND)
        self._refund = self._redis.register_script(_REFUND)
        self._fallback = MemoryAttempts()

    async def spend(self, now: float, charges: Sequence[Charge]) -> float:
        budgets = [_as_json(c.budget) for c in charges]
        try:
            left = await self._spend(
                keys=[self._prefix + c.key for c in charges], args=[now, *budgets]
            )
        except _UNREACHABLE as error:
            log.warning("Attempts counted in this process only; Redis: %s", error)
            return await self._fallback.spend(now, charges)
        return float(left)

    async def refund(self, charge: Charge) -> None:
        try:
            await self._refund(keys=[self._prefix + charge.key])
        except _UNREACHABLE:
            await self._fallback.refund(charge)

    async def clear(self, charge: Charge) -> None:
        try:
            await self._redis.delete(self._prefix + charge.key)
        except _UNREACHABLE:
            await self._fallback.clear(charge)

    async def forget_all(self) -> None:
        keys = [key async for key in self._redis.scan_iter(match=self._prefix + "*", count=500)]
        if keys:
            await self._redis.delete(*keys)
        await self._fallback.forget_all()

    async def close(self) -> None:
        await self._redis.aclose()


@functools.cache
def _as_json(budget: Budget) -> str:
    """A budget as the Lua script reads it."""
    return json.dumps(
        {
            "forget": budget.forget_after,
            # Redis's own clock only tidies up; decisions use `now`.
            "keep": int(budget.forget_after + budget.max_delay) + 60,
            "delays": budget.delays(),
        }
    )


def attempt_store_for(broadcast_url: str, prefix: str) -> AttemptStore:
    """Redis beside a Redis broadcaster, under the deployment's prefix; this process's
    memory beside the in-memory one, which already means a single process."""
    if broadcast_url.startswith(("redis://", "rediss://")):
        return RedisAttempts(broadcast_url, prefix)
    return MemoryAttempts()
