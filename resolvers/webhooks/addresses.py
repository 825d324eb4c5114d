"""Where an endpoint's host name points, checked at creation as the sender checks it
before every attempt."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from domain.errors import InvalidInput
from domain.webhook_urls import (
    PRIVATE,
    Address,
    EndpointUrl,
    UnsafeAddress,
    address_literal,
    check_addresses,
    check_url,
    is_local_name,
)
from resolvers.deps import Deps

RESOLVE_SECONDS = 3.0
#: What `localhost` and the names under it mean, asked of no resolver (RFC 6761).
LOOPBACK: tuple[Address, ...] = (
    ipaddress.IPv4Address("127.0.0.1"),
    ipaddress.IPv6Address("::1"),
)


async def resolve(host: str, port: int) -> list[Address]:
    """Every address the system resolver gives for the host (an ASCII name)."""
    if is_local_name(host.lower()):
        return list(LOOPBACK)
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    found: list[Address] = []
    for *_, sockaddr in infos:
        address = address_literal(str(sockaddr[0]).split("%")[0])
        if address is not None and address not in found:
            found.append(address)
    return found


async def checked_url(deps: Deps, url: str) -> EndpointUrl:
    """A valid endpoint URL, as the sender will request it, whose host, if a name,
    resolves only to addresses we send to."""
    settings = deps.settings
    loopback = settings.webhooks_reach_loopback
    checked = check_url(url, allow_http=settings.webhooks_over_http, allow_loopback=loopback)
    if checked.address is not None:
        return checked
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            addresses = await resolve(checked.host, checked.port or 443)
    except (OSError, TimeoutError, UnicodeError):
        raise InvalidInput("The URL's host name cannot be resolved.", "url") from None
    try:
        check_addresses(addresses, allow_loopback=loopback)
    except UnsafeAddress:
        raise InvalidInput(PRIVATE, "url") from None
    return checked
