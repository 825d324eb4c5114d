"""Helpers of the API-client tests: a partner made by staff, and its token requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

CREATE = """
mutation Create($name: String!, $scopes: [String!]!) {
  createApiClient(name: $name, scopes: $scopes) {
    __typename
    ... on ApiClientCredentials { clientSecret client { id name scopes revoked } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""


@dataclass
class Partner:
    client_id: str
    secret: str
    staff_token: str


async def partner(gql: GraphQL, deps: Deps, *scopes: str, name: str = "Booking Hub") -> Partner:
    """An API client made by staff through the API, with these scopes."""
    desk = await factories.staff(deps)
    made = (await gql(CREATE, {"name": name, "scopes": list(scopes)}, token=desk.token))[
        "createApiClient"
    ]
    assert made["__typename"] == "ApiClientCredentials", made
    return Partner(made["client"]["id"], made["clientSecret"], desk.token)


async def token_request(
    client: httpx.AsyncClient,
    partner: Partner | None = None,
    *,
    basic: bool = True,
    secret: str | None = None,
    **form: str,
) -> httpx.Response:
    """POST /oauth/token for the client-credentials grant, Basic or form authentication."""
    body: dict[str, Any] = {"grant_type": "client_credentials", **form}
    auth = None
    if partner is not None:
        chosen = secret if secret is not None else partner.secret
        if basic:
            auth = httpx.BasicAuth(partner.client_id, chosen)
        else:
            body |= {"client_id": partner.client_id, "client_secret": chosen}
    return await client.post("/oauth/token", data=body, auth=auth)


async def access_token(client: httpx.AsyncClient, partner: Partner, **form: str) -> str:
    response = await token_request(client, partner, **form)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
