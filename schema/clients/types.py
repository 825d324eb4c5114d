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
    name: str
    scopes: list[str]
    revoked: bool
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

    @strawberry.field
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(description="When it last called /graphql (null: never).")
    async def last_used_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.used_at)

    @strawberry.field
    async def revoked_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.revoked_at)


@strawberry.type(description="A client and its secret: shown this once, stored only as a hash.")
class ApiClientCredentials:
    client: ApiClient
    client_secret: str

    @classmethod
    def from_secret(cls, made: ClientSecret) -> ApiClientCredentials:
        return cls(client=ApiClient.from_row(made.client), client_secret=made.secret)


@strawberry.type(description="One operation an API client ran: no variables, no answers.")
class ApiClientCall:
    operation_type: str
    operation_name: str | None
    error_count: int
    row: strawberry.Private[ApiClientCallRow]

    @classmethod
    def from_row(cls, row: ApiClientCallRow) -> ApiClientCall:
        return cls(
            operation_type=row.operation_type,
            operation_name=row.operation_name,
            error_count=row.error_count,
            row=row,
        )

    @strawberry.field
    async def at(self, info: Info) -> datetime:
        return await info.context.local(self.row.at)

    @strawberry.field(description="True when it answered without errors.")
    def ok(self) -> bool:
        return self.error_count == 0


ApiClientCredentialsResult = Annotated[
    ApiClientCredentials | InvalidInput | NotAllowed | NotFound,
    strawberry.union("ApiClientCredentialsResult"),
]
ApiClientResult = Annotated[ApiClient | NotAllowed | NotFound, strawberry.union("ApiClientResult")]
