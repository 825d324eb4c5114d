"""A portal on another origin, as a browser enforces CORS: a page served from a second
local port calls the API on the first. From an origin in CORS_ORIGINS it reads, holds and
requests a slot and signs a websocket in; from any other origin the browser lets nothing
through, and nothing is booked."""

from __future__ import annotations

import functools
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import HOLD, REQUEST
from tests.browser.chromium import chromium, require_chromium, snap
from tests.conftest import running_servers
from tests.live.test_live_slots import live_appointments_at
from tests.support import ServerProcess, free_port

require_chromium()

#: A bare portal page: `api(url, query, variables, token)` posts GraphQL to another
#: origin (a preflighted request: JSON and a bearer token), `signIn(url, token)` opens a
#: graphql-transport-ws socket there and resolves with the first message or close code.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Another portal</title></head>
<body><h1>Another portal</h1><pre id="log"></pre>
<script>
async function api(url, query, variables, token) {
  const response = await fetch(url + "/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + token },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  document.getElementById("log").textContent += JSON.stringify(body) + "\\n";
  return body;
}
function signIn(url, token) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace("http", "ws") + "/graphql", "graphql-transport-ws");
    socket.onopen = () => socket.send(JSON.stringify(
      { type: "connection_init", payload: { authorization: "Bearer " + token } }));
    socket.onmessage = (event) => { resolve(JSON.parse(event.data).type); socket.close(); };
    socket.onclose = (event) => resolve("closed " + event.code);
  });
}
</script></body></html>
"""

READ = "{ clinic { name } me { email } }"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def page_origins(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The same page served from two more local ports: two origins other than the API's."""
    (tmp_path / "index.html").write_text(PAGE)
    handler = functools.partial(Quiet, directory=str(tmp_path))
    servers = [ThreadingHTTPServer(("127.0.0.1", free_port()), handler) for _ in range(2)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        allowed, other = (f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
        yield allowed, other
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def api_server(
    settings: Settings, run_dir: Path, page_origins: tuple[str, str]
) -> Iterator[ServerProcess]:
    """A real server whose CORS_ORIGINS names the first page origin only."""
    with running_servers(settings, run_dir, 1, CORS_ORIGINS=page_origins[0]) as servers:
        yield servers[0]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def portal_page(browser: Browser, origin: str) -> Page:
    """The page in a context of its own, with no request routing: Playwright answers CORS
    preflights itself for routed requests, which would let the browser send what CORS
    must stop."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{origin}/index.html")
    return page


async def call(page: Page, api: ServerProcess, query: str, variables: dict, token: str) -> dict:
    return await page.evaluate(
        "([url, query, variables, token]) => api(url, query, variables, token)",
        [api.url, query, variables, token],
    )


async def test_a_page_of_an_allowed_origin_reads_and_books_and_any_other_gets_nothing(
    browser: Browser,
    api_server: ServerProcess,
    page_origins: tuple[str, str],
    deps: Deps,
) -> None:
    allowed, other = page_origins
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,), email="anna.portal@example.com")
    start = factories.slot_start()
    slot = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": start.isoformat(),
    }

    stranger = await portal_page(browser, other)
    with pytest.raises(Exception, match="Failed to fetch"):
        await call(stranger, api_server, HOLD, slot, user.token)
    with pytest.raises(Exception, match="Failed to fetch"):
        await call(stranger, api_server, READ, {}, user.token)
    # The browser stopped at the preflight: the hold never reached the server.
    assert await live_appointments_at(deps, start) == 0
    assert await stranger.evaluate(
        "([url, t]) => signIn(url, t)", [api_server.url, user.token]
    ) in (
        "closed 1006",
        "closed 1008",
    )

    portal = await portal_page(browser, allowed)
    read = await call(portal, api_server, READ, {}, user.token)
    held = (await call(portal, api_server, HOLD, slot, user.token))["data"]["hold"]
    requested = await call(
        portal,
        api_server,
        REQUEST,
        {"id": held["appointment"]["id"], "patientId": str(anna.id)},
        user.token,
    )
    socket = await portal.evaluate("([url, t]) => signIn(url, t)", [api_server.url, user.token])
    await snap(portal, "cross-origin-portal")

    assert read["data"] == {
        "clinic": {"name": "Lindenhof Physiotherapy"},
        "me": {"email": "anna.portal@example.com"},
    }
    assert held["__typename"] == "Hold"
    assert requested["data"]["request"]["status"] in ("REQUESTED", "BOOKED")
    assert await live_appointments_at(deps, start) == 1
    assert socket == "connection_ack"
