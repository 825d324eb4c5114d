"""Webhook endpoints' rules: valid URLs, addresses we never send to, secrets, and when to
try a delivery again."""

from __future__ import annotations

import base64
import ipaddress
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import urlsplit

from domain.errors import InvalidInput
from domain.throttling import Budget
from domain.validation import optional_text
from domain.webhook_events import SUBSCRIBABLE

MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 500
MAX_ENDPOINTS = 50
SECRET_PREFIX = "whsec_"

#: A delivery is tried again for this long after it was first due; an endpoint whose
#: every attempt has failed for this long is disabled.
RETRY_WINDOW = timedelta(days=3)
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
#: A receiver's Retry-After is honoured up to this.
LONGEST_RETRY_AFTER = timedelta(hours=6)


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class EndpointUrl:
    url: str
    host: str
    #: The host when it is an address literal, else None (a name, resolved when sending).
    address: Address | None


class UnsafeAddress(Exception):
    """The endpoint resolves to an address webhooks are never sent to."""


def check_url(url: str, *, allow_http: bool, allow_loopback: bool) -> EndpointUrl:
    """An endpoint URL: https (http only where allowed), a host, no credentials, no
    fragment, and, when the host is an address, one we may send to."""
    if not url or len(url) > MAX_URL_LENGTH:
        raise InvalidInput(f"Give a URL of at most {MAX_URL_LENGTH} characters.", "url")
    if any(c.isspace() or ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise InvalidInput("A URL has no spaces or control characters.", "url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("This is not a valid URL.", "url") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise InvalidInput("Webhooks are sent to https:// URLs only.", "url")
    if "@" in parts.netloc:
        raise InvalidInput("A webhook URL carries no user name or password.", "url")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidInput("The URL names no host.", "url")
    if parts.fragment or url.endswith("#"):
        raise InvalidInput("A webhook URL has no #fragment.", "url")
    if port == 0:
        raise InvalidInput("The URL's port is not valid.", "url")
    address = address_literal(host)
    if address is None:
        _check_host_name(host, allow_loopback=allow_loopback)
    elif not may_send_to(address, allow_loopback=allow_loopback):
        raise InvalidInput("Webhooks are never sent to private or local addresses.", "url")
    return EndpointUrl(url, host, address)


def _check_host_name(host: str, *, allow_loopback: bool) -> None:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput("The URL's host name is not valid.", "url") from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or any(not 0 < len(label) <= 63 for label in labels):
        raise InvalidInput("The URL's host name is not valid.", "url")
    local = ascii_host.lower() == "localhost" or ascii_host.lower().endswith(".localhost")
    if local and not allow_loopback:
        raise InvalidInput("Webhooks are never sent to private or local addresses.", "url")


def address_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def may_send_to(address: Address, *, allow_loopback: bool) -> bool:
    """Only globally reachable unicast addresses, looking through IPv4 addresses carried
    in IPv6 ones (mapped, 6to4, Teredo, NAT64); loopback too where allowed (development)."""
    for inner in _carried(address):
        if inner.is_loopback and allow_loopback:
            continue
        if not inner.is_global or inner.is_multicast or inner.is_unspecified:
            return False
        if inner.is_reserved or inner.is_link_local or inner.is_private:
            return False
    return True


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _carried(address: Address) -> list[Address]:
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found = [address.ipv4_mapped]
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
        if address in _NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def check_addresses(addresses: Iterable[Address], *, allow_loopback: bool) -> Address:
    """The first of a name's addresses, once every one of them is safe: a name that also
    resolves to a private address is refused whole (no choosing the public one)."""
    resolved = list(addresses)
    if not resolved:
        raise UnsafeAddress("the host resolved to no address")
    for address in resolved:
        if not may_send_to(address, allow_loopback=allow_loopback):
            raise UnsafeAddress(f"the host resolves to a refused address ({address})")
    return resolved[0]


def check_events(events: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(e.strip() for e in events))
    if not chosen:
        raise InvalidInput("Choose at least one event.", "events")
    unknown = [e for e in chosen if e not in SUBSCRIBABLE]
    if unknown:
        shown = ", ".join(e[:60] for e in unknown[:3])
        raise InvalidInput(f"Unknown event type: {shown}. See the webhook catalogue.", "events")
    return sorted(chosen)


def check_description(description: str | None) -> str | None:
    return optional_text(description, "description", MAX_DESCRIPTION_LENGTH)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


class Outcome(StrEnum):
    DELIVERED = "DELIVERED"
    RETRY = "RETRY"
    GIVE_UP = "GIVE_UP"


def outcome_of(status_code: int | None) -> Outcome:
    """2xx is delivered; no answer (timeout, refused connection), 408, 429 and 5xx are
    tried again; any other answer (4xx, a redirect, which is not followed) is final."""
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code in (408, 429) or status_code >= 500:
        return Outcome.RETRY
    return Outcome.GIVE_UP


def next_attempt(
    attempts: int,
    now: datetime,
    retry_after: timedelta | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """After `attempts` failed attempts: 5 s doubling up to an hour, with ±20 % jitter so
    that a receiver coming back is not hit by every delivery at once; a receiver's
    Retry-After (up to six hours) when it is longer."""
    base = min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)
    jitter = (rng or random).uniform(0.8, 1.2)
    wait = base * jitter
    if retry_after is not None:
        wait = max(wait, min(retry_after, LONGEST_RETRY_AFTER))
    return now + wait


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=min(int(value), 10**7))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


def gave_up(first_due: datetime, now: datetime) -> bool:
    return now - first_due >= RETRY_WINDOW


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    return failing_since is not None and now - failing_since >= RETRY_WINDOW


#: Test webhooks and redeliveries, per endpoint: each makes this server send a request.
SENDS_PER_ENDPOINT = Budget(
    "webhook-sends", "test webhooks and redeliveries", 20, 10.0, 600.0, forget_after=3600.0
)


def endpoint_subject(endpoint_id: int) -> str:
    return f"webhook-endpoint:{endpoint_id}"
