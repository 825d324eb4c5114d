"""apiClients, apiClientCalls, createApiClient, rotateApiClientSecret, revokeApiClient."""

from __future__ import annotations

import strawberry

from resolvers.clients import manage_clients, read_clients
from schema.clients.types import (
    ApiClient,
    ApiClientCall,
    ApiClientCredentials,
    ApiClientCredentialsResult,
    ApiClientResult,
)
from schema.core.context import Info
from schema.core.outcomes import runs


@strawberry.type
class ClientsQuery:
    @strawberry.field(description="Staff: every API client, revoked ones too.")
    async def api_clients(self, info: Info) -> list[ApiClient]:
        found = await read_clients.api_clients(info.context.deps, info.context.actor)
        return [ApiClient.from_view(v) for v in found]

    @strawberry.field(description="Staff: an API client's most recent calls, newest first.")
    async def api_client_calls(
        self, info: Info, client_id: strawberry.ID, last: int = 50
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
    @runs(manage_clients.create_api_client, ApiClientCredentials.from_secret)
    async def create_api_client(
        self, info: Info, name: str, scopes: list[str]
    ) -> ApiClientCredentialsResult: ...

    @strawberry.mutation(
        description="Staff: a new secret (shown once); the old one and every token it got stop working now."
    )
    @runs(manage_clients.rotate_api_client_secret, ApiClientCredentials.from_secret)
    async def rotate_api_client_secret(
        self, info: Info, id: strawberry.ID
    ) -> ApiClientCredentialsResult: ...

    @strawberry.mutation(
        description="Staff: end an API client for good; its tokens stop working now."
    )
    @runs(manage_clients.revoke_api_client, ApiClient.from_row)
    async def revoke_api_client(self, info: Info, id: strawberry.ID) -> ApiClientResult: ...
