"""Benchmark: what being an API client costs per call, and what a token request costs.

In process (the app over httpx's ASGI transport, SQLite in a temporary folder unless
DATABASE_URL is set), prints in the same run: `{ clinic { name } }` anonymous (the raw
floor), signed in as a user (one token lookup), and as an API client (its token lookup
plus the one insert that records the call); and the token request at /oauth/token beside
one argon2 check timed alone.

    uv run python bench/partner_calls.py
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.credentials import hash_password, verify_password  # noqa: E402
from persistence.migrate import upgrade_async  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests import factories  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "300"))
TOKENS = int(os.environ.get("BENCH_TOKENS", "20"))
QUERY = {"query": "query Clinic { clinic { name } }"}
CREATE = """mutation { createApiClient(name: "Bench", scopes: ["availability:read"]) {
  ... on ApiClientCredentials { clientSecret client { id } } } }"""


async def timed(times: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        await call()
        spent.append(time.perf_counter() - started)
    return spent


def line(label: str, spent: list[float]) -> str:
    ordered = sorted(spent)
    p95 = ordered[round(0.95 * (len(ordered) - 1))]
    return (
        f"{label:<34} median {statistics.median(spent) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"
    )


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade_async(url)
    settings = dataclasses.replace(Settings.from_env(), database_url=url, sweep_seconds=0)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        deps = app.state.deps
        await factories.clinic(deps)
        desk = await factories.staff(deps)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            made = (
                await http.post(
                    "/graphql",
                    json={"query": CREATE},
                    headers={"Authorization": f"Bearer {desk.token}"},
                )
            ).json()["data"]["createApiClient"]
            auth = (made["client"]["id"], made["clientSecret"])
            form = {"grant_type": "client_credentials"}

            async def token() -> str:
                answer = await http.post("/oauth/token", data=form, auth=auth)
                return str(answer.json()["access_token"])

            client_token = await token()

            def query(bearer: str | None) -> Callable[[], Awaitable[object]]:
                headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
                return lambda: http.post("/graphql", json=QUERY, headers=headers)

            await timed(20, query(client_token))  # warm caches
            print(line("clinic, anonymous (floor)", await timed(CALLS, query(None))))
            print(line("clinic, as a user", await timed(CALLS, query(desk.token))))
            print(line("clinic, as an API client", await timed(CALLS, query(client_token))))
            secret_hash = hash_password(auth[1])
            floor = await timed(
                TOKENS, lambda: asyncio.to_thread(verify_password, secret_hash, auth[1])
            )
            print(line("argon2 check alone (floor)", floor))
            print(line("POST /oauth/token", await timed(TOKENS, token)))


if __name__ == "__main__":
    asyncio.run(main())
