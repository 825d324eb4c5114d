"""GraphQL over HTTP as specified: a client that accepts application/graphql-response+json
gets it, with 400 and no `data` for a request that could not run and 200 for one that
ran; a client that accepts application/json, or says nothing, gets today's answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests.apps import client_of
from tests.support import GraphQL

SPEC = "application/graphql-response+json"
BOTH = f"{SPEC}, application/json;q=0.9"

CLINIC = "{ clinic { name } }"
#: Requests that cannot run: a syntax error, a field that does not exist, a variable that
#: does not coerce.
CANNOT_RUN = [
    pytest.param({"query": "{ clinic { name }"}, id="parse"),
    pytest.param({"query": "{ clinic { nam } }"}, id="validation"),
    pytest.param(
        {"query": "query($id: ID!) { appointment(id: $id) { id } }", "variables": {"id": None}},
        id="variables",
    ),
]
#: Ran, and refused inside: an anonymous visitor may not list patients.
RAN_AND_REFUSED = '{ patients(search: "schmidt") { name } }'


async def post(gql: GraphQL, body: dict[str, Any], accept: str | None) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return await gql.client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize("accept", [SPEC, BOTH])
async def test_a_query_that_runs_is_answered_200_in_the_graphql_response_type(
    gql: GraphQL, deps: Deps, accept: str
) -> None:
    response = await post(gql, {"query": CLINIC}, accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == SPEC
    assert response.json()["data"] == {"clinic": {"name": "Lindenhof Physiotherapy"}}


@pytest.mark.parametrize("body", CANNOT_RUN)
async def test_a_request_that_cannot_run_is_a_400_without_data(
    gql: GraphQL, deps: Deps, body: dict[str, Any]
) -> None:
    response = await post(gql, body, SPEC)

    assert response.status_code == 400
    assert response.headers["content-type"] == SPEC
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["message"]


@pytest.mark.parametrize("accept", ["application/json", "*/*", None])
@pytest.mark.parametrize("body", CANNOT_RUN)
async def test_json_clients_keep_todays_200_with_null_data(
    gql: GraphQL, deps: Deps, body: dict[str, Any], accept: str | None
) -> None:
    response = await post(gql, body, accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert answer["data"] is None and answer["errors"]


async def test_an_operation_that_ran_and_was_refused_inside_is_200_with_its_data(
    gql: GraphQL, deps: Deps
) -> None:
    response = await post(gql, {"query": RAN_AND_REFUSED}, SPEC)

    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] is None
    assert answer["errors"][0]["path"] == ["patients"]
    assert answer["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_a_query_over_budget_is_refused_before_it_runs_with_a_400(
    settings: Settings, deps: Deps
) -> None:
    async with client_of(settings, query_cost_budget=5) as tight:
        refused = await post(tight, {"query": "{ locations { name } }"}, SPEC)
        legacy = await post(tight, {"query": "{ locations { name } }"}, "application/json")

    assert refused.status_code == 400
    assert "data" not in refused.json()
    assert refused.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None


async def test_get_queries_negotiate_too(gql: GraphQL, deps: Deps) -> None:
    ran = await gql.client.get("/graphql", params={"query": CLINIC}, headers={"Accept": SPEC})
    broken = await gql.client.get("/graphql", params={"query": "{"}, headers={"Accept": SPEC})

    assert (ran.status_code, ran.headers["content-type"]) == (200, SPEC)
    assert (broken.status_code, broken.headers["content-type"]) == (400, SPEC)


@pytest.mark.parametrize(
    ("request_", "status", "code"),
    [
        pytest.param(
            {
                "method": "POST",
                "content": b'{"query": ',
                "headers": {"Content-Type": "application/json"},
            },
            400,
            "BAD_REQUEST",
            id="body-not-json",
        ),
        pytest.param(
            {"method": "POST", "json": {"variables": {}}},
            400,
            "BAD_REQUEST",
            id="no-query",
        ),
        pytest.param(
            {"method": "POST", "content": b"{ clinic { name } }"},
            400,
            "BAD_REQUEST",
            id="no-content-type",
        ),
        pytest.param(
            {"method": "GET", "params": {"query": "mutation { logout }"}},
            405,
            "METHOD_NOT_ALLOWED",
            id="mutation-over-get",
        ),
    ],
)
@pytest.mark.parametrize("accept", [SPEC, "application/json"])
async def test_requests_the_view_refuses_are_answered_as_graphql_errors_not_plain_text(
    gql: GraphQL, deps: Deps, request_: dict[str, Any], status: int, code: str, accept: str
) -> None:
    sent = dict(request_)
    method = sent.pop("method")
    headers = {**sent.pop("headers", {}), "Accept": accept}
    response = await gql.client.request(method, "/graphql", headers=headers, **sent)

    assert response.status_code == status
    assert response.headers["content-type"] == accept
    answer = response.json()
    assert answer["errors"][0]["extensions"]["code"] == code
    assert ("data" in answer) is (accept == "application/json")


async def test_refusals_before_graphql_answer_in_the_asked_type_too(
    gql: GraphQL, deps: Deps
) -> None:
    unauthenticated = await gql.client.post(
        "/graphql", json={"query": CLINIC}, headers={"Authorization": "Bearer nope", "Accept": SPEC}
    )
    too_large = await gql.client.post(
        "/graphql", content=b"{}", headers={"Content-Length": str(10**9), "Accept": SPEC}
    )

    assert (unauthenticated.status_code, too_large.status_code) == (401, 413)
    for response in (unauthenticated, too_large):
        assert response.headers["content-type"] == SPEC
        assert "data" not in response.json()


async def test_a_mutation_over_get_is_method_not_allowed_and_says_to_post(
    gql: GraphQL, deps: Deps
) -> None:
    response = await gql.client.get(
        "/graphql", params={"query": "mutation { logout }"}, headers={"Accept": SPEC}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
