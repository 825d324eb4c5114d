"""Sign-in state over HTTP: a bearer token that signs nobody in is answered 401 with a
challenge and a coded error; no Authorization header at all is an anonymous request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from domain.credentials import token_digest
from persistence.models import AuthTokenRow
from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

ME = "{ me { email } }"
LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { ... on SignIn { token } }
}"""


async def post(gql: GraphQL, authorization: str | None, query: str = ME) -> httpx.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return await gql.client.post("/graphql", json={"query": query}, headers=headers)


def assert_unauthenticated(response: httpx.Response, error: str = "invalid_token") -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == f'Bearer error="{error}"'
    body = response.json()
    assert body["data"] is None
    (problem,) = body["errors"]
    assert problem["extensions"] == {"code": "UNAUTHENTICATED"}
    assert problem["message"]


async def set_token(deps: Deps, token: str, **values: object) -> None:
    async with deps.database.writer() as session:
        await session.execute(
            update(AuthTokenRow)
            .where(AuthTokenRow.token_digest == token_digest(token))
            .values(**values)
        )
        await session.commit()


async def test_no_authorization_header_is_anonymous(gql: GraphQL, deps: Deps) -> None:
    response = await post(gql, None)

    assert response.status_code == 200
    assert response.json()["data"] == {"me": None}


async def test_a_live_token_signs_its_user_in(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps, email="live@example.com")

    response = await post(gql, f"Bearer {user.token}")

    assert response.status_code == 200
    assert response.json()["data"] == {"me": {"email": "live@example.com"}}


async def test_a_wrong_token_is_refused(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps)

    assert_unauthenticated(await post(gql, f"Bearer {user.token}x"))
    assert_unauthenticated(await post(gql, "Bearer made-up"))


async def test_an_expired_token_is_refused(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps)
    await set_token(deps, user.token, expires_at=datetime.now(UTC) - timedelta(seconds=1))

    assert_unauthenticated(await post(gql, f"Bearer {user.token}"))


async def test_a_token_revoked_by_logout_is_refused_from_then_on(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps, email="leaving@example.com")
    signed = await gql(LOGIN, {"email": "leaving@example.com", "password": factories.PASSWORD})
    token = signed["login"]["token"]

    out = await post(gql, f"Bearer {token}", "mutation { logout }")
    again = await post(gql, f"Bearer {token}", "mutation { logout }")
    other = await post(gql, f"Bearer {user.token}")

    assert out.json()["data"] == {"logout": True}
    assert_unauthenticated(again)
    assert_unauthenticated(await post(gql, f"Bearer {token}"))
    # Only that token: the user's other sign-in goes on.
    assert other.json()["data"] == {"me": {"email": "leaving@example.com"}}


async def test_a_revoked_token_is_refused_even_for_public_reads(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps)
    await set_token(deps, user.token, revoked_at=datetime.now(UTC))

    assert_unauthenticated(await post(gql, f"Bearer {user.token}", "{ clinic { name } }"))


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Token abc"])
async def test_an_authorization_header_that_is_no_bearer_token_is_refused(
    gql: GraphQL, deps: Deps, header: str
) -> None:
    assert_unauthenticated(await post(gql, header), error="invalid_request")


async def test_a_blank_authorization_header_is_anonymous(gql: GraphQL, deps: Deps) -> None:
    response = await post(gql, "")

    assert response.status_code == 200
    assert response.json()["data"] == {"me": None}


async def test_a_real_server_refuses_a_wrong_token_the_same_way(
    server_gql: GraphQL, deps: Deps
) -> None:
    assert_unauthenticated(await post(server_gql, "Bearer made-up"))
    assert (await post(server_gql, None)).json()["data"] == {"me": None}
