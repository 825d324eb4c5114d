"""apiClients, apiClientCalls, createApiClient, rotateApiClientSecret, revokeApiClient."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import STAFF
from resolvers.clients import manage_clients, read_clients
from schema.clients.types import (
    ApiClient,
    ApiClientCall,
    ApiClientCredentials,
    ApiClientCredentialsResult,
    ApiClientResult,
)
from schema.core.access import requires
from schema.core.context import Info
from schema.core.outcomes import runs

CLIENT = "The API client (its client_id)."


@strawberry.type
class ClientsQuery:
    @strawberry.field(description="Staff: every API client, revoked ones too.")
    @requires(STAFF)
    async def api_clients(self, info: Info) -> list[ApiClient]:
        found = await read_clients.api_clients(info.context.deps, info.context.actor)
        return [ApiClient.from_view(v) for v in found]

    @strawberry.field(description="Staff: an API client's most recent calls, newest first.")
    @requires(STAFF)
    async def api_client_calls(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The API client.")],
        last: Annotated[
            int, strawberry.argument(description="How many of its latest calls (1 to 500).")
        ] = 50,
    ) -> list[ApiClientCall]:
        rows = await read_clients.api_client_calls(
            info.context.deps, info.context.actor, client_id=client_id, last=last
        )
        return [ApiClientCall.from_row(r) for r in rows]


@strawberry.type
class ClientsMutation:
    @strawberry.mutation(
        description="Staff: a new API client with these scopes; its secret is shown in this answer only."
    )
    @runs(manage_clients.create_api_client, ApiClientCredentials.from_secret, requires=STAFF)
    async def create_api_client(
        self,
        info: Info,
        name: Annotated[
            str,
            strawberry.argument(description="The partner and its program, at most 100 characters."),
        ],
        scopes: Annotated[
            list[str],
            strawberry.argument(
                description="What its tokens may grant, at least one of: availability:read, appointments:read, appointments:write, patients:read, webhooks:manage."
            ),
        ],
    ) -> ApiClientCredentialsResult: ...

    @strawberry.mutation(
        description="Staff: a new secret (shown once); the old one and every token it got stop working now."
    )
    @runs(manage_clients.rotate_api_client_secret, ApiClientCredentials.from_secret, requires=STAFF)
    async def rotate_api_client_secret(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=CLIENT)]
    ) -> ApiClientCredentialsResult: ...

    @strawberry.mutation(
        description="Staff: end an API client for good; its tokens stop working now."
    )
    @runs(manage_clients.revoke_api_client, ApiClient.from_row, requires=STAFF)
    async def revoke_api_client(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=CLIENT)]
    ) -> ApiClientResult: ...
