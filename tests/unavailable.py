"""What every answer must be while the database or Redis is away, and the requests that
ask: anonymous and signed-in GraphQL (the kept slot answers, a resolver, the token
lookup, a write, a sign-in), GraphQL's own media type, GET, and a token request."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import h11
import httpx

from portal.http.media_types import GRAPHQL_RESPONSE
from tests import factories
from tests.api.test_holds import HOLD, SLOTS
from tests.api.test_sign_in import LOGIN

#: A page's origin the server under test allows (CORS_ORIGINS).
ORIGIN = "https://portal.clinic.example"
#: What a leak would look like: the driver's, SQLAlchemy's, Python's or the server's words.
LEAKS = (
    "psycopg",
    "sqlalchemy",
    "sqlite",
    "operationalerror",
    "connection",
    "sqlstate",
    "traceback",
    "not currently accepting",
    "rolled back",
    "read-only",
    "read only",
    "redis",
    "internal server error",
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
CLINIC = "{ clinic { name } }"
ME = "{ me { id } }"


def assert_no_leak(response: httpx.Response) -> None:
    text = response.text.lower()
    for leak in LEAKS:
        assert leak not in text, (leak, response.text)


def assert_headed(response: httpx.Response) -> None:
    """The security headers and, for the allowed origin, CORS."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers.get("access-control-allow-origin") == ORIGIN, response.headers
    exposed = response.headers.get("access-control-expose-headers", "").lower()
    assert "retry-after" in exposed, response.headers


def assert_unavailable(response: httpx.Response, *, oauth: bool = False) -> None:
    """503 with Retry-After and the headers, a JSON error coded UNAVAILABLE (OAuth's
    `temporarily_unavailable` on /oauth/token), and nothing of the fault's own text."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers.get("retry-after", "").isdigit(), response.headers
    assert_headed(response)
    assert_no_leak(response)
    body = response.json()
    if oauth:
        assert body["error"] == "temporarily_unavailable", body
        assert response.headers.get("cache-control") == "no-store"
        return
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE", body
    assert error["extensions"]["retryAfterSeconds"] == int(response.headers["retry-after"])


def assert_answered(response: httpx.Response) -> None:
    """Mid-fault: either a whole answer, or UNAVAILABLE as above; never anything else."""
    if response.status_code == 200 and not response.json().get("errors"):
        assert_no_leak(response)
        return
    assert_unavailable(response, oauth=response.url.path == "/oauth/token")


@dataclass
class Asker:
    """Someone who asks the API for everything at once, signed in or not."""

    client: httpx.AsyncClient
    practitioner_id: str = "1"
    service_id: str = "1"
    user_token: str = "not-a-known-token"
    client_id: str = "4242"
    client_secret: str = "no-such-secret"

    def slots(self) -> dict[str, Any]:
        start = factories.slot_start()
        return {
            "query": SLOTS,
            "variables": {
                "p": self.practitioner_id,
                "s": self.service_id,
                "from": start.isoformat(),
                "to": (start.replace(hour=18)).isoformat(),
            },
        }

    def hold(self, hour: int = 10, minute: int = 0, days: int = 2) -> dict[str, Any]:
        return {
            "query": HOLD,
            "variables": {
                "practitionerId": self.practitioner_id,
                "serviceId": self.service_id,
                "start": factories.slot_start(days=days, hour=hour, minute=minute).isoformat(),
            },
        }

    def signed_in(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.user_token}"}

    async def everything(self) -> dict[str, httpx.Response]:
        """One of each kind of request, each answered before the next is sent."""
        post = self.client.post
        # An address of its own each time: sign-in attempts are counted per address.
        email = f"asker-{uuid.uuid4().hex[:12]}@example.com"
        login = {"query": LOGIN, "variables": {"email": email, "password": "x" * 12}}
        return {
            "anonymous availableSlots": await post("/graphql", json=self.slots()),
            "anonymous clinic": await post("/graphql", json={"query": CLINIC}),
            "GraphQL's media type": await post(
                "/graphql", json={"query": CLINIC}, headers={"Accept": GRAPHQL_RESPONSE}
            ),
            "GET": await self.client.get("/graphql", params={"query": CLINIC}),
            "signed-in query": await post("/graphql", json={"query": ME}, headers=self.signed_in()),
            "signed-in hold": await post("/graphql", json=self.hold(), headers=self.signed_in()),
            "sign-in": await post("/graphql", json=login),
            "token request": await post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(self.client_id, self.client_secret),
            ),
        }


def headers_of(origin: str, address: str) -> dict[str, str]:
    """A page of `origin` in a household of its own (the servers trust 127.0.0.1's
    X-Forwarded-For)."""
    return {"Origin": origin, "X-Forwarded-For": address}


def json_post(
    path: str, body: bytes, authorization: str | None = None
) -> tuple[h11.Request, bytes]:
    """A POST of a JSON body from the allowed origin, as `two_requests_on_one_connection`
    sends it."""
    headers = [
        ("host", "127.0.0.1"),
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("origin", ORIGIN),
    ]
    if authorization:
        headers.append(("authorization", authorization))
    return h11.Request(method="POST", target=path, headers=headers), body


async def two_requests_on_one_connection(
    port: int, first: tuple[h11.Request, bytes], second: tuple[h11.Request, bytes]
) -> tuple[int, int]:
    """Send the first request, read its answer, then send the second on the same
    connection and read that: the status of each. A connection the server closed after
    the first fails the second."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    connection = h11.Connection(h11.CLIENT)
    statuses = []
    try:
        for request, data in (first, second):
            writer.write(connection.send(request) or b"")
            if data:
                writer.write(connection.send(h11.Data(data=data)) or b"")
            writer.write(connection.send(h11.EndOfMessage()) or b"")
            await writer.drain()
            statuses.append(await _answer_status(reader, connection))
            connection.start_next_cycle()
    finally:
        writer.close()
    return statuses[0], statuses[1]


async def _answer_status(reader: asyncio.StreamReader, connection: h11.Connection) -> int:
    status = 0
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            data = await asyncio.wait_for(reader.read(65536), 10)
            connection.receive_data(data)
            if not data:
                raise AssertionError("the server closed the connection")
            continue
        if isinstance(event, h11.Response):
            status = event.status_code
        if isinstance(event, h11.EndOfMessage):
            return status
