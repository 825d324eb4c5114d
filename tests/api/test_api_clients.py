"""API clients: staff make them; the client-credentials grant at /oauth/token gives
short-lived bearer tokens that revocation and rotation end at once."""

from __future__ import annotations

import base64

import httpx
from sqlalchemy import func, select

from persistence.models import ApiClientTokenRow
from resolvers.deps import Deps
from tests import factories
from tests.api.conftest import Clock
from tests.api.partners import CREATE, Partner, access_token, partner, token_request
from tests.support import GraphQL

CLINIC = "query Clinic { clinic { name } }"

ROTATE = """
mutation Rotate($id: ID!) {
  rotateApiClientSecret(id: $id) {
    __typename
    ... on ApiClientCredentials { clientSecret client { id } }
    ... on Problem { code }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeApiClient(id: $id) { __typename ... on ApiClient { id revoked revokedAt } ... on Problem { code } }
}
"""
CLIENTS = "query { apiClients { id name scopes createdAt lastUsedAt revoked } }"
CALLS = """
query Calls($id: ID!) {
  apiClientCalls(clientId: $id, last: 10) { operationType operationName errorCount ok at }
}
"""


async def graphql_status(gql: GraphQL, token: str, query: str = CLINIC) -> int:
    response = await gql.client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code


async def test_a_partner_gets_a_token_with_basic_and_with_the_form_and_calls_graphql(
    gql: GraphQL, deps: Deps
) -> None:
    hub = await partner(gql, deps, "availability:read", "appointments:read")

    for basic in (True, False):
        response = await token_request(gql.client, hub, basic=basic)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 15 * 60
        assert set(body["scope"].split()) == {"availability:read", "appointments:read"}
        assert response.headers["cache-control"] == "no-store"
        data = await gql(CLINIC, token=body["access_token"])
        assert data["clinic"]["name"]


async def test_a_partner_is_no_user(gql: GraphQL, deps: Deps) -> None:
    hub = await partner(gql, deps, "availability:read")
    token = await access_token(gql.client, hub)
    assert (await gql("query { me { id } }", token=token))["me"] is None
    body = await gql.raw("query { mySessions { id } }", token=token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_a_wrong_secret_or_an_unknown_client_is_invalid_client(
    gql: GraphQL, deps: Deps
) -> None:
    hub = await partner(gql, deps, "availability:read")
    unknown = Partner("999999", hub.secret, hub.staff_token)
    for response in (
        await token_request(gql.client, hub, secret="not-the-secret"),
        await token_request(gql.client, hub, basic=False, secret="not-the-secret"),
        await token_request(gql.client, unknown),
        await token_request(gql.client, Partner("Alice", "x", "")),
        await token_request(gql.client),
    ):
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "invalid_client"
        assert response.headers["cache-control"] == "no-store"


async def test_scope_narrows_and_never_widens(gql: GraphQL, deps: Deps) -> None:
    hub = await partner(gql, deps, "availability:read", "appointments:read")
    narrowed = await token_request(gql.client, hub, scope="availability:read")
    assert narrowed.status_code == 200
    assert narrowed.json()["scope"] == "availability:read"

    for asked in ("patients:read", "availability:read patients:read", "everything"):
        response = await token_request(gql.client, hub, scope=asked)
        assert response.status_code == 400, asked
        assert response.json()["error"] == "invalid_scope"


async def test_other_grants_and_bad_bodies_are_told_apart_never_500(
    gql: GraphQL, deps: Deps
) -> None:
    hub = await partner(gql, deps, "availability:read")
    auth = httpx.BasicAuth(hub.client_id, hub.secret)
    cases = {
        "unsupported_grant_type": {"data": {"grant_type": "password"}},
        "invalid_request": {"content": b"grant_type=client_credentials&" + b"x" * 100_000},
    }
    for error, request in cases.items():
        response = await gql.client.post("/oauth/token", auth=auth, **request)  # type: ignore[arg-type]
        assert response.status_code == 400, response.text
        assert response.json()["error"] == error
    for body, content_type in (
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (
            b"grant_type=client_credentials&grant_type=client_credentials",
            "application/x-www-form-urlencoded",
        ),
        (b'{"grant_type": "client_credentials"}', "application/json"),
        (b"grant_type=client_credentials&scope=a%00b", "application/x-www-form-urlencoded"),
    ):
        response = await gql.client.post(
            "/oauth/token", auth=auth, content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"] == "invalid_request"
    broken = base64.b64encode(b"\xff\xfe:\x00").decode()
    response = await gql.client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {broken}"},
    )
    assert response.status_code in (400, 401)
    response = await gql.client.get("/oauth/token")
    assert response.status_code == 405


async def test_rotation_refuses_the_old_secret_and_ends_its_tokens_at_once(
    gql: GraphQL, deps: Deps
) -> None:
    hub = await partner(gql, deps, "availability:read")
    old_token = await access_token(gql.client, hub)

    rotated = (await gql(ROTATE, {"id": hub.client_id}, token=hub.staff_token))[
        "rotateApiClientSecret"
    ]

    assert rotated["__typename"] == "ApiClientCredentials"
    assert await graphql_status(gql, old_token) == 401
    assert (await token_request(gql.client, hub)).status_code == 401
    renewed = Partner(hub.client_id, rotated["clientSecret"], hub.staff_token)
    assert await graphql_status(gql, await access_token(gql.client, renewed)) == 200


async def test_revocation_ends_tokens_at_once_and_for_good(gql: GraphQL, deps: Deps) -> None:
    hub = await partner(gql, deps, "availability:read")
    token = await access_token(gql.client, hub)

    revoked = (await gql(REVOKE, {"id": hub.client_id}, token=hub.staff_token))["revokeApiClient"]

    assert revoked["revoked"] is True and revoked["revokedAt"]
    assert await graphql_status(gql, token) == 401
    assert (await token_request(gql.client, hub)).status_code == 401
    again = await gql(ROTATE, {"id": hub.client_id}, token=hub.staff_token)
    assert again["rotateApiClientSecret"] == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}


async def test_a_token_expires(gql: GraphQL, deps: Deps, clock: Clock) -> None:
    hub = await partner(gql, deps, "availability:read")
    token = await access_token(gql.client, hub)
    clock.advance(15 * 60 - 1)
    assert await graphql_status(gql, token) == 200
    clock.advance(2)
    assert await graphql_status(gql, token) == 401


async def test_failed_token_requests_are_limited_per_client(gql: GraphQL, deps: Deps) -> None:
    hub = await partner(gql, deps, "availability:read")
    for _ in range(10):
        assert (await token_request(gql.client, hub, secret="guess")).status_code == 401
    refused = await token_request(gql.client, hub)
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_requests"
    assert int(refused.headers["retry-after"]) > 0


async def test_failed_token_requests_are_limited_per_address(
    from_address: object, deps: Deps, gql: GraphQL
) -> None:
    hub = await partner(gql, deps, "availability:read")
    prober = from_address("203.0.113.9")  # type: ignore[operator]
    for n in range(30):
        stranger = Partner(str(10_000 + n), "guess", "")
        assert (await token_request(prober.client, stranger)).status_code == 401
    assert (await token_request(prober.client, hub)).status_code == 429
    assert (await token_request(gql.client, hub)).status_code == 200


async def test_only_staff_manage_clients_and_names_and_scopes_are_checked(
    gql: GraphQL, deps: Deps
) -> None:
    anna = await factories.user(deps)
    desk = await factories.staff(deps)
    hub = await partner(gql, deps, "appointments:read")
    hub_token = await access_token(gql.client, hub)
    for token in (anna.token, hub_token, None):
        made = await gql(CREATE, {"name": "X", "scopes": ["availability:read"]}, token=token)
        assert made["createApiClient"]["code"] == "NOT_ALLOWED"
        body = await gql.raw(CLIENTS, token=token)
        assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    for name, scopes, field in (
        ("", ["availability:read"], "name"),
        ("x" * 101, ["availability:read"], "name"),
        ("Hub", [], "scopes"),
        ("Hub", ["admin"], "scopes"),
    ):
        made = (await gql(CREATE, {"name": name, "scopes": scopes}, token=desk.token))[
            "createApiClient"
        ]
        assert (made["__typename"], made["field"]) == ("InvalidInput", field)
    for mutation in (ROTATE, REVOKE):
        answer = await gql(mutation, {"id": "424242"}, token=desk.token)
        assert next(iter(answer.values()))["__typename"] == "NotFound"


async def test_staff_see_clients_and_each_call_without_its_variables(
    gql: GraphQL, deps: Deps
) -> None:
    hub = await partner(gql, deps, "availability:read")
    token = await access_token(gql.client, hub)
    await gql(CLINIC, token=token)
    await gql.raw("query Patients { patients { name } }", token=token)

    listed = (await gql(CLIENTS, token=hub.staff_token))["apiClients"]
    calls = (await gql(CALLS, {"id": hub.client_id}, token=hub.staff_token))["apiClientCalls"]

    assert listed[0]["scopes"] == ["availability:read"] and listed[0]["lastUsedAt"]
    assert [(c["operationName"], c["operationType"], c["ok"]) for c in calls] == [
        ("Patients", "query", False),
        ("Clinic", "query", True),
    ]
    assert "clientSecret" not in str(listed)


async def test_successful_token_requests_are_limited_per_client_too(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    hub = await partner(gql, deps, "availability:read")
    other = await partner(gql, deps, "availability:read", name="Other Hub")
    issued = [await access_token(gql.client, hub) for _ in range(10)]

    refused = await token_request(gql.client, hub)
    async with deps.database.reader() as session:
        tokens = await session.scalar(select(func.count()).select_from(ApiClientTokenRow))

    assert len(set(issued)) == 10
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_requests"
    assert int(refused.headers["retry-after"]) == 30
    assert refused.headers["cache-control"] == "no-store"
    assert tokens == 10  # the refused request made no token
    # Each of the ten still works; another client is not held back.
    assert await graphql_status(gql, issued[0]) == 200
    assert (await token_request(gql.client, other)).status_code == 200
    # After the wait one more; after five quiet minutes, a burst again.
    clock.advance(30)
    assert (await token_request(gql.client, hub)).status_code == 200
    clock.advance(5 * 60)
    assert all([(await token_request(gql.client, hub)).status_code == 200 for _ in range(10)])
