"""Attempt budgets: a few attempts are free, then each one waits longer than the last.

A `Budget` is the rule for one kind of attempt and one kind of subject (an account, a
client address); a `Tally` is what is kept per subject: how many attempts counted and
when the last one was. Stores (`persistence.attempts`) keep tallies; these functions
decide. Times are seconds since the epoch, read from the use case's clock.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.phrases import Phrase, Wait


@dataclass(frozen=True)
class Budget:
    #: Part of the stored key; never shown.
    name: str
    #: What the client is told there were too many of ("sign-in attempts").
    what: str
    #: Attempts counted before any wait.
    free: int
    #: The wait after the first attempt beyond the free ones; it doubles with each more.
    first_delay: float
    max_delay: float
    #: A tally untouched for this long starts again from nothing.
    forget_after: float

    def delay(self, count: int) -> float:
        """How long to wait after the `count`-th counted attempt before the next."""
        if count < self.free:
            return 0.0
        return min(self.max_delay, self.first_delay * 2 ** (count - self.free))

    def delays(self) -> list[float]:
        """`delay(n)` for n = 1 … the first n that reaches `max_delay` (stores that cannot
        run Python, Redis's Lua, read the last entry for any larger count)."""
        table = [self.delay(1)]
        while table[-1] < self.max_delay:
            table.append(self.delay(len(table) + 1))
        return table

    def seconds_to_make(self, attempts: int) -> float:
        """The least time `attempts` attempts take from a fresh tally, each made as soon as
        allowed (the figure behind "how long does it take to register N accounts")."""
        return sum(self.delay(n) for n in range(1, attempts))


@dataclass(frozen=True)
class Tally:
    count: int = 0
    last: float = 0.0


NOTHING = Tally()


def current(budget: Budget, tally: Tally | None, now: float) -> Tally:
    """The tally as it stands now: forgotten after a long enough quiet."""
    if tally is None or now - tally.last >= budget.forget_after:
        return NOTHING
    return tally


def wait(budget: Budget, tally: Tally, now: float) -> float:
    """Seconds before another attempt may be made; 0 when it may be made now."""
    if tally.count == 0:
        return 0.0
    return max(0.0, tally.last + budget.delay(tally.count) - now)


def counted(tally: Tally, now: float) -> Tally:
    return Tally(tally.count + 1, now)


def refunded(tally: Tally) -> Tally:
    """An attempt counted in advance that turned out well (a sign-in that succeeded)."""
    return Tally(max(0, tally.count - 1), tally.last)


@dataclass(frozen=True)
class Charge:
    """One attempt against one budget for one subject (an email, an address)."""

    budget: Budget
    subject: str

    @property
    def key(self) -> str:
        """The stored name: the subject only as a digest, so a store dump names nobody."""
        digest = hashlib.sha256(self.subject.encode()).hexdigest()[:32]
        return f"{self.budget.name}:{digest}"


class TooManyAttempts(DomainError):
    """Refused without looking further: the same answer whatever the attempt was."""

    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, what: str, wait_seconds: float) -> None:
        self.retry_after_seconds = max(1, math.ceil(wait_seconds))
        super().__init__(
            Phrase(
                "Too many {what}; try again in {wait}.",
                what=Phrase(what),
                wait=Wait(self.retry_after_seconds),
            )
        )


# Sign-in: five failures are free, then 15 s, 30 s, 1 min … up to 15 min between guesses,
# per account (whatever the address) and, more loosely, per address (whatever the account).
# Both answer with the same words, so a refusal never tells which one was reached.
SIGN_IN_PER_ACCOUNT = Budget(
    "sign-in-account", "sign-in attempts", 5, 15.0, 15 * 60.0, forget_after=24 * 3600.0
)
SIGN_IN_PER_ADDRESS = Budget(
    "sign-in-address", "sign-in attempts", 20, 15.0, 15 * 60.0, forget_after=3600.0
)
REGISTRATIONS_PER_ADDRESS = Budget(
    "register-address", "registrations from your network", 5, 60.0, 3600.0, 24 * 3600.0
)
HOLDS_PER_ADDRESS = Budget(
    "hold-address", "holds from your network", 30, 2.0, 60.0, forget_after=600.0
)
#: Calendar feed fetches: a calendar app polls a feed every few minutes to hours; many
#: fetches from one address in a burst are someone guessing feed URLs.
CALENDAR_FEEDS_PER_ADDRESS = Budget(
    "calendar-address", "calendar requests from your network", 30, 2.0, 60.0, forget_after=600.0
)
#: A patient's user moving visits: each move emails the patient and the clinic and tells
#: partners, so ten in a burst, then 30 s, 1 min … up to an hour apart.
MOVES_PER_USER = Budget("move-user", "visit moves", 10, 30.0, 3600.0, forget_after=24 * 3600.0)
#: Joining the waitlist (each join is a row, and leaving makes room for another).
WAITLIST_JOINS_PER_USER = Budget(
    "waitlist-user", "waitlist entries", 20, 30.0, 3600.0, forget_after=24 * 3600.0
)
#: Pressing links from emails: each is unguessable; many from one address are a flood.
LINK_USES_PER_ADDRESS = Budget(
    "visit-link-address", "link uses from your network", 30, 2.0, 60.0, forget_after=600.0
)
#: For operations that send an email on request (password reset, a new verification
#: link): each costs the clinic a message and can be aimed at someone else's inbox.
MAIL_REQUESTS_PER_ADDRESS = Budget(
    "mail-address", "email requests from your network", 5, 60.0, 3600.0, 24 * 3600.0
)
#: Token requests of an API client that fail to authenticate: per client id (whatever the
#: address) and per address (whatever the client id). A program retries fast, so the
#: free attempts are few and the waits the same as a person's sign-in.
CLIENT_AUTH_PER_CLIENT = Budget(
    "client-auth-client", "token requests", 10, 15.0, 15 * 60.0, forget_after=24 * 3600.0
)
CLIENT_AUTH_PER_ADDRESS = Budget(
    "client-auth-address", "token requests", 30, 15.0, 15 * 60.0, forget_after=3600.0
)
#: Every token request of a client, successful ones too (each costs an argon2 check and
#: a token row): ten in a burst, then 30 s, 1 min … up to 5 min apart. Five quiet minutes
#: forget them, so a client asking once per token lifetime (15 min) never waits.
TOKEN_REQUESTS_PER_CLIENT = Budget(
    "token-requests-client", "token requests", 10, 30.0, 5 * 60.0, forget_after=5 * 60.0
)


def address_subject(address: str | None) -> str:
    """The client address as a subject: an IPv6 client is its /64, which one household
    or server gets whole; an IPv4-mapped address is the IPv4 one."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hold_origin(secret_key: str, address: str | None) -> str:
    """What a hold keeps of the address it came from: a keyed digest, enough to count
    live holds per address without storing anyone's address."""
    subject = address_subject(address).encode()
    return hmac.new(secret_key.encode(), subject, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class DiaryShare:
    """How much of the diary a user, and the address they hold from, occupy now."""

    #: The user's live holds.
    user_holds: int
    #: The user's live holds and upcoming requests and bookings.
    user_slots: int
    #: Live holds from the same address, by anyone.
    address_holds: int
    #: When the first of those lapses (None when there are none).
    address_next_lapse: datetime | None
