"""How many websockets one client address and one signed-in user may hold open at once
in one process. A socket costs memory and a share of every fan-out for as long as it
lives, so one address (or one stolen token) must not open thousands.

Counted per process: each process holds its own sockets, and behind a load balancer a
client's sockets spread over them, so a deployment of N processes admits up to N times
the limit from one client; the limit bounds what one process can be made to carry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: Defaults: a clinic's desks or a carrier's network share an address; one person has a
#: few devices and tabs.
DEFAULT_PER_ADDRESS = 200
DEFAULT_PER_USER = 20
#: The close code of a socket refused for being one too many: WebSocket's own "policy
#: violation" (graphql-ws gives 4429 another meaning, too many connection_init messages).
TOO_MANY_SOCKETS_CODE = 1008
TOO_MANY_SOCKETS_REASON = "Too many open sockets"


@dataclass
class SocketCounts:
    """Open sockets per key (an address, a user); a limit of 0 admits any number."""

    limit: int
    open: Counter[str] = field(default_factory=Counter)

    def admit(self, key: str) -> bool:
        """Count one more socket for `key`, unless it already holds `limit`."""
        if self.limit and self.open[key] >= self.limit:
            return False
        self.open[key] += 1
        return True

    def release(self, key: str) -> None:
        self.open[key] -= 1
        if self.open[key] <= 0:
            del self.open[key]


@dataclass
class SocketLimits:
    """A process's counts: per client address, and per signed-in user or API client."""

    addresses: SocketCounts
    callers: SocketCounts

    @classmethod
    def of(cls, per_address: int, per_user: int) -> SocketLimits:
        return cls(SocketCounts(per_address), SocketCounts(per_user))
