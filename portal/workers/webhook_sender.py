"""Sending one webhook: signed per Standard Webhooks, over httpx, only to addresses that
are safe, and to exactly the address that was checked.

The stored URL is checked again by the rules endpoints were created under
(`domain.webhook_urls.check_url`, httpx's own parser), so a URL stored before a rule
was added is refused with its reason rather than failing somewhere inside httpx.

The host is resolved, every address it has is checked (no loopback, private,
link-local, multicast, reserved or unspecified address, IPv4 inside IPv6 included), and
the connection goes to that checked address while the request keeps the name for its
Host header and TLS (SNI and the certificate), so a DNS answer that changes between the
check and the connection (rebinding) cannot redirect it. Redirects are not followed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from domain.errors import InvalidInput
from domain.webhook_urls import Address, UnsafeAddress, address_literal, check_addresses, check_url
from resolvers.webhooks.addresses import resolve
from resolvers.webhooks.deliver import Attempt, Signed

USER_AGENT = "clinic-portal-webhooks/1"

Resolver = Callable[[str, int], Awaitable[list[Address]]]


class PinnedTransport(httpx.AsyncBaseTransport):
    """Connects to the checked address of the request's host, keeping its name for the
    Host header, SNI and certificate checks."""

    def __init__(self, *, allow_loopback: bool, resolver: Resolver = resolve) -> None:
        self._inner = httpx.AsyncHTTPTransport(retries=0)
        self._allow_loopback = allow_loopback
        self._resolver = resolver

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.raw_host.decode("ascii")  # as connected to (IDNA names in ASCII)
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        literal = address_literal(host)
        try:
            addresses = [literal] if literal is not None else await self._resolver(host, port)
        except OSError as error:
            raise httpx.ConnectError(f"cannot resolve {host}: {error}", request=request) from None
        address = check_addresses(addresses, allow_loopback=self._allow_loopback)
        if literal is None:
            request.url = request.url.copy_with(host=str(address))
            request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def signature(secrets: tuple[str, ...], message_id: str, at: datetime, payload: str) -> str:
    """`v1,<base64>` per secret, space-separated (the previous one too during a rotation)."""
    return " ".join(Webhook(s).sign(message_id, at, payload) for s in secrets)


def signed_headers(
    secrets: tuple[str, ...], message_id: str, payload: str, at: datetime
) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(secrets, message_id, at, payload),
    }


class HttpSender:
    """Posts signed webhooks; one pooled client per process."""

    def __init__(
        self,
        *,
        timeout_seconds: float,
        allow_loopback: bool,
        allow_http: bool = True,
        resolver: Resolver = resolve,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self._allow_loopback = allow_loopback
        self._allow_http = allow_http
        self._client = httpx.AsyncClient(
            transport=PinnedTransport(allow_loopback=allow_loopback, resolver=resolver),
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    async def send(self, message: Signed) -> Attempt:
        # The timestamp is the wall clock's: receivers check it against theirs.
        at = datetime.now(UTC)
        headers = signed_headers(message.secrets, message.message_id, message.payload, at)
        started = time.monotonic()
        try:
            url = check_url(
                message.url, allow_http=self._allow_http, allow_loopback=self._allow_loopback
            ).url
        except InvalidInput as refused:
            return Attempt(None, None, f"refused: {refused.message}", _ms(started))
        try:
            async with asyncio.timeout(self.timeout_seconds):
                request = self._client.build_request(
                    "POST", url, content=message.payload.encode(), headers=headers
                )
                response = await self._client.send(request, stream=True)
                await response.aclose()  # the body is not read: only the status counts
        except UnsafeAddress as refused:
            return Attempt(None, None, f"refused: {refused}", _ms(started))
        except TimeoutError:
            return Attempt(None, None, "timed out", _ms(started))
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return Attempt(None, None, f"{type(error).__name__}: {error}", _ms(started))
        retry_after = response.headers.get("retry-after")
        return Attempt(response.status_code, retry_after, None, _ms(started))

    async def aclose(self) -> None:
        await self._client.aclose()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
