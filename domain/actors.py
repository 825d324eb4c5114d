"""Who is asking: the online user as the rules see them (the policy is `domain.policy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class UserKind(StrEnum):
    PATIENT = "PATIENT"
    PROVISIONAL_PATIENT = "PROVISIONAL_PATIENT"
    PRACTITIONER = "PRACTITIONER"
    STAFF = "STAFF"


@dataclass(frozen=True)
class Actor:
    """A signed-in online user as the rules see them."""

    user_id: int
    kind: UserKind
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
