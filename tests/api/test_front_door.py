"""The front door: `/` leads to GraphiQL in development and, in production, says what
this is and where GraphQL is, and nothing more."""

from __future__ import annotations

from portal.settings import Settings
from resolvers.deps import Deps
from tests.apps import client_of
from tests.support import GraphQL


async def test_the_front_door_leads_to_graphiql_in_development(gql: GraphQL) -> None:
    response = await gql.client.get("/")

    assert response.status_code == 307
    assert response.headers["location"] == "/graphql"


async def test_in_production_the_front_door_says_what_this_is_and_nothing_more(
    settings: Settings, deps: Deps
) -> None:
    async with client_of(settings, environment="production") as production:
        response = await production.client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"service": "Clinic portal booking API", "graphql": "/graphql"}
    assert "default-src 'none'" in response.headers["content-security-policy"]


async def test_the_front_door_does_not_take_posts(gql: GraphQL) -> None:
    response = await gql.client.post("/", json={"query": "{ clinic { name } }"})

    assert response.status_code == 405
