"""Sign-in through GraphQL: register, login, logout, me."""

from __future__ import annotations

from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

REGISTER = """
mutation Register($email: String!, $password: String!, $name: String!, $birthDate: Date) {
  register(email: $email, password: $password, name: $name, birthDate: $birthDate) {
    __typename
    ... on SignIn { token user { id email kind patients { name provisional } } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on SignIn { token user { email kind } }
    ... on Problem { code message }
  }
}
"""

ME = "{ me { email kind patients { name } } }"


async def test_register_creates_a_provisional_patient_user_who_is_signed_in(gql: GraphQL) -> None:
    data = await gql(
        REGISTER,
        {
            "email": "New.Person@Example.com",
            "password": "long enough",
            "name": "New Person",
            "birthDate": "1990-02-03",
        },
    )
    result = data["register"]
    assert result["__typename"] == "SignIn"
    assert result["user"]["kind"] == "PROVISIONAL_PATIENT"
    assert result["user"]["email"] == "new.person@example.com"
    assert result["user"]["patients"] == [{"name": "New Person", "provisional": True}]

    me = await gql(ME, token=result["token"])
    assert me["me"]["email"] == "new.person@example.com"


async def test_register_twice_with_one_email_is_refused_naming_the_field(gql: GraphQL) -> None:
    variables = {"email": "twice@example.com", "password": "long enough", "name": "Twice"}
    await gql(REGISTER, variables)
    again = (await gql(REGISTER, variables))["register"]
    assert again["__typename"] == "InvalidInput"
    assert again["field"] == "email"


async def test_register_refuses_a_malformed_email_and_a_short_password(gql: GraphQL) -> None:
    bad_email = (
        await gql(REGISTER, {"email": "not-an-email", "password": "long enough", "name": "X"})
    )["register"]
    short = (await gql(REGISTER, {"email": "a@example.com", "password": "short", "name": "X"}))[
        "register"
    ]
    assert (bad_email["__typename"], bad_email["field"]) == ("InvalidInput", "email")
    assert (short["__typename"], short["field"]) == ("InvalidInput", "password")


async def test_wrong_password_and_unknown_email_answer_alike(gql: GraphQL) -> None:
    await gql(REGISTER, {"email": "known@example.com", "password": "long enough", "name": "Known"})
    wrong_password = (await gql(LOGIN, {"email": "known@example.com", "password": "wrong one"}))[
        "login"
    ]
    unknown_email = (await gql(LOGIN, {"email": "nobody@example.com", "password": "wrong one"}))[
        "login"
    ]
    assert wrong_password == unknown_email
    assert wrong_password["__typename"] == "InvalidInput"


async def test_login_then_logout_revokes_the_token(gql: GraphQL) -> None:
    await gql(REGISTER, {"email": "out@example.com", "password": "long enough", "name": "Out"})
    signed = (await gql(LOGIN, {"email": "OUT@example.com", "password": "long enough"}))["login"]
    assert signed["__typename"] == "SignIn"
    token = signed["token"]
    assert (await gql(ME, token=token))["me"]["email"] == "out@example.com"

    assert (await gql("mutation { logout }", token=token))["logout"] is True
    # The revoked token now signs nobody in (tests/test_sign_in_state.py).
    assert (
        await gql.client.post("/graphql", json={"query": ME}, headers=bearer(token))
    ).status_code == 401


async def test_a_made_up_token_is_refused(gql: GraphQL, deps: Deps) -> None:
    await factories.user(deps)
    response = await gql.client.post("/graphql", json={"query": ME}, headers=bearer("made-up"))
    assert response.status_code == 401


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
