"""Pages of the origins in CORS_ORIGINS may call the API from a browser: their preflight
is answered, and every answer (a 401 or 413 too) says so; any other origin is told
nothing that lets its page read an answer. Bearer tokens only: no credentials allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests.apps import client_of
from tests.support import GraphQL

PORTAL = "https://portal.clinic.example"
STRANGER = "https://evil.example"


def preflight(origin: str, headers: str = "authorization, content-type") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": headers,
    }


@pytest.fixture
async def api(settings: Settings, deps: Deps) -> AsyncIterator[GraphQL]:
    async with client_of(settings, cors_origins=(PORTAL,), max_body_bytes=10_000) as client:
        yield client


async def test_an_allowed_origin_gets_its_preflight_answered(api: GraphQL) -> None:
    response = await api.client.options("/graphql", headers=preflight(PORTAL))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {
        "GET",
        "POST",
        "OPTIONS",
    }
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "accept"} <= allowed
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    "origin",
    [STRANGER, "http://portal.clinic.example", "https://portal.clinic.example:8443", "null"],
)
async def test_any_other_origin_is_refused_at_the_preflight(api: GraphQL, origin: str) -> None:
    response = await api.client.options("/graphql", headers=preflight(origin))

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_preflight_for_headers_beyond_the_list_is_refused(api: GraphQL) -> None:
    response = await api.client.options("/graphql", headers=preflight(PORTAL, "x-debug"))

    assert response.status_code == 400


async def test_answers_name_the_allowed_origin_only(api: GraphQL) -> None:
    query = {"query": "{ clinic { name } }"}
    allowed = await api.client.post("/graphql", json=query, headers={"Origin": PORTAL})
    stranger = await api.client.post("/graphql", json=query, headers={"Origin": STRANGER})

    assert allowed.status_code == stranger.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert "access-control-allow-origin" not in stranger.headers
    assert "access-control-allow-credentials" not in allowed.headers


async def test_refusals_before_graphql_carry_cors_headers_for_an_allowed_origin(
    api: GraphQL,
) -> None:
    unauthenticated = await api.client.post(
        "/graphql",
        json={"query": "{ me { id } }"},
        headers={"Origin": PORTAL, "Authorization": "Bearer nope"},
    )
    too_large = await api.client.post(
        "/graphql", content=b"{}", headers={"Origin": PORTAL, "Content-Length": str(10**9)}
    )
    too_deep = await api.client.post(
        "/graphql",
        content=b'{"query": "{ clinic { name } }", "variables": {"v": '
        + b"[" * 100
        + b"]" * 100
        + b"}}",
        headers={"Origin": PORTAL, "Content-Type": "application/json"},
    )

    assert [r.status_code for r in (unauthenticated, too_large, too_deep)] == [401, 413, 400]
    for response in (unauthenticated, too_large, too_deep):
        assert response.headers["access-control-allow-origin"] == PORTAL
    # The page may read why its token was refused.
    assert "www-authenticate" in unauthenticated.headers["access-control-expose-headers"]


async def test_preflights_carry_the_security_headers(api: GraphQL) -> None:
    response = await api.client.options("/graphql", headers=preflight(PORTAL))

    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in response.headers["content-security-policy"]


async def test_with_no_origins_allowed_there_is_no_cors_at_all(
    settings: Settings, deps: Deps
) -> None:
    async with client_of(settings, cors_origins=()) as closed:
        response = await closed.client.options("/graphql", headers=preflight(PORTAL))
        answer = await closed.client.post(
            "/graphql", json={"query": "{ clinic { name } }"}, headers={"Origin": PORTAL}
        )

    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in answer.headers


async def test_any_origin_when_the_setting_says_star(settings: Settings, deps: Deps) -> None:
    async with client_of(settings, cors_origins=("*",)) as open_api:
        response = await open_api.client.options("/graphql", headers=preflight(STRANGER))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
