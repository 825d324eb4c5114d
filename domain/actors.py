"""Who is asking: the online user as the rules see them (the policy is `domain.policy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class UserKind(StrEnum):
    PATIENT = "PATIENT"
    PROVISIONAL_PATIENT = "PROVISIONAL_PATIENT"
    PRACTITIONER = "PRACTITIONER"
    STAFF = "STAFF"


class ClientKind(StrEnum):
    """An integration partner's program, not a person: never one of the contract's
    `UserKind`s, so no user-only rule can take it for a user."""

    API_CLIENT = "API_CLIENT"


#: The `user_id` of an API client's actor: no user row has it (ids start at 1), so no
#: "is this the user's own …" comparison can ever hold for a client.
NO_USER = 0


@dataclass(frozen=True)
class Actor:
    """A signed-in online user, or an API client, as the rules see them."""

    user_id: int
    kind: UserKind | ClientKind
    patient_ids: frozenset[int] = field(default_factory=frozenset)
    practitioner_id: int | None = None
    #: For an API client: the scopes its token grants; None for an online user.
    scopes: frozenset[str] | None = None
    #: The API client acting, if any.
    client_id: int | None = None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is not None and scope in self.scopes

    @property
    def is_staff(self) -> bool:
        return self.kind is UserKind.STAFF

    @property
    def is_client(self) -> bool:
        return self.client_id is not None
