"""Security headers a browser reads: the pages, GraphiQL (development only) and the API
each carry a Content-Security-Policy, refuse framing and sniffing, and send no referrer.
Production also stops suggesting field names to a guesser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests.apps import client_of
from tests.support import GraphQL, ServerProcess


def policy(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy as directive -> sources."""
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def assert_no_framing_sniffing_or_referrer(response: httpx.Response) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.fixture
async def production(settings: Settings, deps: Deps) -> AsyncIterator[GraphQL]:
    async with client_of(settings, environment="production") as api:
        yield api


@pytest.mark.parametrize("path", ["/book/", "/panel/", "/assets/book.js", "/assets/style.css"])
async def test_the_pages_load_only_from_their_own_origin(gql: GraphQL, path: str) -> None:
    response = await gql.client.get(path)

    assert response.status_code == 200
    assert_no_framing_sniffing_or_referrer(response)
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no other host
    # fetch('/graphql') and the websocket to the same host ('self' covers ws: to it).
    assert csp["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in str(csp) and "'unsafe-eval'" not in str(csp)


async def test_api_answers_may_load_nothing(gql: GraphQL, deps: Deps) -> None:
    response = await gql.client.post("/graphql", json={"query": "{ clinic { name } }"})

    assert response.status_code == 200
    assert_no_framing_sniffing_or_referrer(response)
    assert policy(response)["default-src"] == ["'none'"]


async def test_graphiql_in_development_loads_only_from_this_server(gql: GraphQL) -> None:
    response = await gql.client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    assert_no_framing_sniffing_or_referrer(response)
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no CDN
    assert csp["connect-src"] == ["'self'"]
    # Styles from this server, and the style elements GraphiQL adds by this page's nonce.
    (nonce,) = re.findall(r'<meta name="csp-nonce" content="([^"]+)"', response.text)
    assert csp["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in str(csp) and "'unsafe-eval'" not in str(csp)
    assert not re.findall(r"<script>", response.text)
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', response.text)
    for asset in re.findall(r'(?:src|href)="(/graphiql/[^"]+)"', response.text):
        loaded = await gql.client.get(asset)
        assert loaded.status_code == 200, asset
        assert policy(loaded)["script-src"] == ["'self'"]


async def test_each_graphiql_page_has_a_nonce_of_its_own(gql: GraphQL) -> None:
    pages = [await gql.client.get("/graphql", headers={"Accept": "text/html"}) for _ in range(2)]

    first, second = (policy(page)["style-src"][1] for page in pages)
    assert first != second


async def test_production_serves_no_graphiql_and_allows_no_cdn(production: GraphQL) -> None:
    response = await production.client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert_no_framing_sniffing_or_referrer(response)
    assert policy(response)["default-src"] == ["'none'"]
    assert "unpkg" not in response.headers["content-security-policy"]
    assert (await production.client.get("/graphiql/graphiql.js")).status_code == 404


async def test_refusals_before_graphql_carry_the_headers_too(gql: GraphQL) -> None:
    unauthenticated = await gql.client.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": "Bearer nope"}
    )
    too_large = await gql.client.post(
        "/graphql", content=b"{}", headers={"Content-Length": str(10**9)}
    )

    for response in (unauthenticated, too_large):
        assert response.status_code in (401, 413)
        assert_no_framing_sniffing_or_referrer(response)
        assert policy(response)["default-src"] == ["'none'"]


async def test_a_real_server_sends_them(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = await client.get("/book/")
        api = await client.post("/graphql", json={"query": "{ __typename }"})

    assert_no_framing_sniffing_or_referrer(page)
    assert_no_framing_sniffing_or_referrer(api)
    assert policy(page)["script-src"] == ["'self'"]


# ------------------------------------------------------------- suggestions

MISSPELLED = [
    ("{ clinic { nam } }", "Cannot query field 'nam' on type 'Clinic'."),
    (
        "{ practitioners(onlineOnli: true) { name } }",
        "Unknown argument 'onlineOnli' on field 'Query.practitioners'.",
    ),
    (
        "query($s: SlotStat) { __typename }",
        "Unknown type 'SlotStat'.",
    ),
]


@pytest.mark.parametrize(("query", "told"), MISSPELLED)
async def test_production_suggests_no_names(
    production: GraphQL, gql: GraphQL, query: str, told: str
) -> None:
    in_production = await production.raw(query)
    in_development = await gql.raw(query)

    told_in_production = [e["message"] for e in in_production["errors"]]
    assert told in told_in_production
    assert not any("Did you mean" in message for message in told_in_production)
    assert any("Did you mean" in e["message"] for e in in_development["errors"])
