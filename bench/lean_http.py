"""A load generator's HTTP/1.1 client that costs next to nothing per request.

On a 2-core machine the client shares the cores with the servers, PostgreSQL and Redis:
httpx spent about as much CPU on each request as the server did (4.6 ms against 4.1 ms
for `{ __typename }`), so the figures measured the client. This one writes a POST on a
kept-alive connection and reads the answer by its Content-Length (or chunks), nothing
else: no cookies, redirects, retries or TLS, which a bench against localhost needs none
of. Connections are pooled, one request on each at a time.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

#: How long a connection may wait in the pool; the servers' own limit is 5 s.
IDLE_SECONDS = 2.0


class LeanClient:
    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        url = urlsplit(base_url)
        self._host, self._port = url.hostname or "127.0.0.1", url.port or 80
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def post_json(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POST `body` as JSON; the status and the decoded JSON answer."""
        payload = json.dumps(body).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self._host}:{self._port}\r\n"
            f"Content-Type: application/json\r\nAccept: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n{self._headers}{extra}\r\n"
        ).encode()
        reader, writer = await self._checkout()
        try:
            writer.write(head + payload)
            status, answer, keep = await _read_response(reader)
        except BaseException:
            writer.close()
            raise
        if keep:
            self._idle.append((reader, writer, time.monotonic()))
        else:
            writer.close()
        return status, json.loads(answer)

    async def _checkout(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A kept-alive connection idle for less than IDLE_SECONDS (the server closes one
        idle for 5 s, and a request written to it as it does so is lost), or a new one."""
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < IDLE_SECONDS and not reader.at_eof():
                return reader, writer
            writer.close()
        return await self._connect()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self._host, self._port)

    async def aclose(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = {}
    for line in head[1:]:
        if line:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip().lower()
    keep = fields.get("connection") != "close"
    if "content-length" in fields:
        return status, await reader.readexactly(int(fields["content-length"])), keep
    if fields.get("transfer-encoding") == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readexactly(2)
        return status, b"".join(chunks), keep
    return status, await reader.read(), False
