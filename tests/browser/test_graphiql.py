"""GraphiQL as a newcomer meets it, with no network but the server's: the README's first
query runs and answers in the result pane, and a subscription signed in through the
Headers tab hears a hold as it happens."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import hold
from tests.browser.chromium import chromium, offline_page, require_chromium, snap
from tests.support import ROOT, GraphQL, ServerProcess

require_chromium()

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT = ".graphiql-response"


def readme_first_query() -> str:
    """The first GraphQL block of the README ("A first query for GraphiQL")."""
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```graphql\n(.*?)```", readme, flags=re.DOTALL)[0]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def type_into(page: Page, editor: str, text: str) -> None:
    """Set a GraphiQL editor's text as a paste would (CodeMirror's own API, so its
    auto-closing brackets leave the text as written)."""
    await page.locator(editor).wait_for()
    await page.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [editor, text],
    )


async def paste_and_run(page: Page, text: str) -> None:
    """Put `text` in the query editor and press run in the same moment, as a quick paste
    and Ctrl-Enter would."""
    await page.locator(QUERY_EDITOR).wait_for()
    await page.evaluate(
        """([selector, text]) => {
            document.querySelector(selector).CodeMirror.setValue(text);
            document.querySelector(".graphiql-execute-button").click();
        }""",
        [QUERY_EDITOR, text],
    )


async def test_graphiql_runs_the_readme_query_with_no_network_but_the_server(
    browser: Browser, server: ServerProcess, deps: Deps
) -> None:
    await factories.online_practitioner(deps, name="Maria Keller")
    watched = await offline_page(browser, server.url)
    page = watched.page

    await page.goto(f"{server.url}/graphql")
    await expect(page.locator(QUERY_EDITOR)).to_be_visible(timeout=30_000)
    await type_into(page, QUERY_EDITOR, readme_first_query())
    await page.click(".graphiql-execute-button")

    result = page.locator(RESULT)
    await expect(result).to_contain_text('"name": "Lindenhof Physiotherapy"', timeout=15_000)
    await expect(result).to_contain_text('"timeZone": "Europe/Berlin"')
    await expect(result).to_contain_text('"name": "Maria Keller"')
    await snap(page, "graphiql-readme-query")
    # Nothing was asked of any other host, and the strict policy refused nothing.
    assert watched.refused == []
    assert watched.complaints == []


async def test_a_subscription_in_graphiql_signs_in_with_the_headers_tab(
    browser: Browser, server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    watched = await offline_page(browser, server.url)
    page = watched.page

    await page.goto(f"{server.url}/graphql")
    await expect(page.locator(QUERY_EDITOR)).to_be_visible(timeout=30_000)
    await type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {user.token}"}))
    started = await server.subscriptions_started()
    # Pasted and run at once, before GraphiQL's own parse of the editor has caught up: it
    # still goes over the socket.
    await paste_and_run(page, "subscription { myAppointmentUpdates { id status } }")
    await server.wait_subscriptions_started(started + 1)

    held = await hold(server_gql, diary, factories.slot_start(), user.token)

    result = page.locator(RESULT)
    await expect(result).to_contain_text('"status": "TEMPORARY"', timeout=10_000)
    await expect(result).to_contain_text(f'"id": "{held["appointment"]["id"]}"')
    await snap(page, "graphiql-subscription")
    assert watched.refused == []
    assert watched.complaints == []
