"""ApiClient, its once-shown secret and its recorded calls."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.scopes import scopes_of
from persistence.models import ApiClientCallRow, ApiClientRow
from resolvers.clients.manage_clients import ClientSecret
from resolvers.clients.read_clients import ClientView
from schema.core.context import Info
from schema.core.problems import InvalidInput, NotAllowed, NotFound


@strawberry.type(description="An integration partner's program, which gets tokens at /oauth/token.")
class ApiClient:
    id: strawberry.ID = strawberry.field(description="The client_id of its token requests.")
    name: str = strawberry.field(description="What staff call it: the partner and its program.")
    scopes: list[str] = strawberry.field(
        description="What its tokens may grant: availability:read, appointments:read, appointments:write, patients:read, webhooks:manage."
    )
    revoked: bool = strawberry.field(description="True once revoked: it gets no token again.")
    row: strawberry.Private[ApiClientRow]
    used_at: strawberry.Private[datetime | None] = None

    @classmethod
    def from_row(cls, row: ApiClientRow, last_used_at: datetime | None = None) -> ApiClient:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            scopes=sorted(scopes_of(row.scopes)),
            revoked=row.revoked_at is not None,
            row=row,
            used_at=last_used_at,
        )

    @classmethod
    def from_view(cls, view: ClientView) -> ApiClient:
        return cls.from_row(view.client, view.last_used_at)

    @strawberry.field(description="When staff created it.")
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(description="When it last called /graphql (null: never).")
    async def last_used_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.used_at)

    @strawberry.field(description="When staff revoked it (null while it works).")
    async def revoked_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.revoked_at)


@strawberry.type(description="A client and its secret: shown this once, stored only as a hash.")
class ApiClientCredentials:
    client: ApiClient = strawberry.field(description="The client; its id is the client_id.")
    client_secret: str = strawberry.field(
        description="The client_secret for /oauth/token: shown in this answer only, never again."
    )

    @classmethod
    def from_secret(cls, made: ClientSecret) -> ApiClientCredentials:
        return cls(client=ApiClient.from_row(made.client), client_secret=made.secret)


@strawberry.type(description="One operation an API client ran: no variables, no answers.")
class ApiClientCall:
    operation_type: str = strawberry.field(
        description="query, mutation or subscription (unknown when it could not be read)."
    )
    operation_name: str | None = strawberry.field(
        description="The operation's name as the client wrote it (null when it named none)."
    )
    error_count: int = strawberry.field(description="How many errors the answer carried.")
    row: strawberry.Private[ApiClientCallRow]

    @classmethod
    def from_row(cls, row: ApiClientCallRow) -> ApiClientCall:
        return cls(
            operation_type=row.operation_type,
            operation_name=row.operation_name,
            error_count=row.error_count,
            row=row,
        )

    @strawberry.field(description="When the call was answered.")
    async def at(self, info: Info) -> datetime:
        return await info.context.local(self.row.at)

    @strawberry.field(description="True when it answered without errors.")
    def ok(self) -> bool:
        return self.error_count == 0


ApiClientCredentialsResult = Annotated[
    ApiClientCredentials | InvalidInput | NotAllowed | NotFound,
    strawberry.union(
        "ApiClientCredentialsResult", description="The client with its new secret, or why not."
    ),
]
ApiClientResult = Annotated[
    ApiClient | NotAllowed | NotFound,
    strawberry.union("ApiClientResult", description="The client as it now is, or why not."),
]
