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

    @property
    def is_staff(self) -> bool:
        return self.kind is UserKind.STAFF
