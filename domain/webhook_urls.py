"""Webhook endpoint URLs and the addresses webhooks are sent to.

A URL is read by the parser the sender itself uses (`httpx.URL`: a pure function, no
I/O), so a URL accepted here is one the sender can request, and the URL kept is httpx's
normalised one: the host lower-cased and in its IDNA (ASCII, punycode) form, exactly
what the sender will ask for. An IP address is accepted only in its canonical form
(IPv4 as four decimal numbers): the forms a system resolver also reads (octal, hex, one
decimal number, `127.1`) are refused, so what the check saw is what is connected to.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from domain.errors import InvalidInput
from domain.phrases import N_, Phrase

MAX_URL_LENGTH = 2000
MAX_HOST_LENGTH = 253

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

PRIVATE = N_("Webhooks are never sent to private or local addresses.")
IPV4_FORM = N_(
    "Write an IPv4 address as four decimal numbers without leading zeros, e.g. 203.0.113.10."
)
HOST_NAME = N_(
    "The URL's host name is not valid: use letters, digits and hyphens, or an "
    "internationalised name that IDNA 2008 allows (e.g. bücher.example)."
)


@dataclass(frozen=True)
class EndpointUrl:
    #: As the sender will request it (httpx's normalised form).
    url: str
    #: In its ASCII form: an IDNA name, or an address (IPv6 without brackets).
    host: str
    port: int | None
    #: The host when it is an address literal, else None (a name, resolved when sending).
    address: Address | None


class UnsafeAddress(Exception):
    """The endpoint resolves to an address webhooks are never sent to."""


def check_url(url: str, *, allow_http: bool, allow_loopback: bool) -> EndpointUrl:
    """An endpoint URL: https (http only where allowed), a host, no credentials, no
    fragment, a port in range, an address only in its canonical form and only one we
    may send to; given back as the sender will request it."""
    if not url or len(url) > MAX_URL_LENGTH:
        raise InvalidInput(
            Phrase(
                "Give a URL of at most {max_url_length} characters.", max_url_length=MAX_URL_LENGTH
            ),
            "url",
        )
    if any(c.isspace() or ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise InvalidInput("A URL has no spaces or control characters.", "url")
    if "#" in url:
        raise InvalidInput("A webhook URL has no #fragment.", "url")
    parsed = _parse(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parsed.scheme not in schemes:
        raise InvalidInput("Webhooks are sent to https:// URLs only.", "url")
    if parsed.userinfo:
        raise InvalidInput("A webhook URL carries no user name or password.", "url")
    written = parsed.raw_host.decode("ascii")
    host = written[:-1] if written.endswith(".") else written  # a name written absolute
    if not host:
        raise InvalidInput("The URL names no host.", "url")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidInput("The URL's port is not valid.", "url")
    address = _address_in(host)
    if address is None:
        _check_host_name(parsed, host, allow_loopback=allow_loopback)
    elif not may_send_to(address, allow_loopback=allow_loopback):
        raise InvalidInput(PRIVATE, "url")
    else:
        host = str(address)  # IPv6 in its shortest form (RFC 5952)
    if host != written:
        parsed = parsed.copy_with(host=host)
    # Read back as the sender will read what is kept (`HTTPS://x:443` keeps its port
    # until the scheme is lower case), so the URL kept is the one requested.
    parsed = _parse(str(parsed))
    normalised = str(parsed)
    if len(normalised) > MAX_URL_LENGTH:
        raise InvalidInput(
            Phrase(
                "Give a URL of at most {max_url_length} characters.", max_url_length=MAX_URL_LENGTH
            ),
            "url",
        )
    return EndpointUrl(normalised, host, parsed.port, address)


def _parse(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except httpx.InvalidURL as error:
        reason = str(error)
        if reason.startswith("Invalid IPv4"):
            raise InvalidInput(IPV4_FORM, "url") from None
        if reason.startswith("Invalid IDNA"):
            raise InvalidInput(HOST_NAME, "url") from None
        if reason.startswith("Invalid port"):
            raise InvalidInput("The URL's port is not valid.", "url") from None
        raise InvalidInput("This is not a valid URL.", "url") from None


#: The last label of a host that a resolver (or a browser, per the WHATWG URL standard)
#: reads as part of an IPv4 address: decimal digits, or 0x and hex digits.
_NUMBER = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")


def _address_in(host: str) -> Address | None:
    """The address a host is, if it is one: only canonical forms are accepted."""
    if ":" in host:
        if "%" in host:  # a zone (fe80::1%eth0) is local to one machine
            raise InvalidInput(PRIVATE, "url")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise InvalidInput("This is not a valid IPv6 address.", "url") from None
    if not _NUMBER.fullmatch(host.rsplit(".", 1)[-1]):
        return None
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        raise InvalidInput(IPV4_FORM, "url") from None
    if str(address) != host:
        raise InvalidInput(IPV4_FORM, "url")
    return address


def _check_host_name(parsed: httpx.URL, host: str, *, allow_loopback: bool) -> None:
    labels = host.split(".")
    if len(host) > MAX_HOST_LENGTH or any(
        len(label) > 63 or not _LABEL.fullmatch(label) for label in labels
    ):
        raise InvalidInput(HOST_NAME, "url")
    try:
        parsed.host  # noqa: B018 (httpx decodes an IDNA name here, refusing a false one)
    except ValueError:
        raise InvalidInput(HOST_NAME, "url") from None
    if is_local_name(host) and not allow_loopback:
        raise InvalidInput(PRIVATE, "url")


def is_local_name(host: str) -> bool:
    """`localhost` and names under it, which always mean this machine (RFC 6761)."""
    return host == "localhost" or host.endswith(".localhost")


def address_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


#: Never sent to, whatever `is_global` of this Python says: every range the IANA
#: special-purpose registries mark not globally reachable, and the deprecated ones
#: (IPv6 site-local, the 6to4 relay anycast, IPv4-compatible IPv6).
_NEVER = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
#: IPv6 unicast on the internet is allocated from here only.
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


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
        if isinstance(inner, ipaddress.IPv6Address):
            if inner.is_site_local or inner.scope_id:
                return False
            if inner not in _GLOBAL_UNICAST:
                return False
        if any(inner in network for network in _NEVER if network.version == inner.version):
            return False
    return True


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
