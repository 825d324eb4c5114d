"""Who is asking, and the one policy that says what they may see and do."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import NotAllowed


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


def require_signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise NotAllowed("Sign in first.")
    return actor


def require_staff(actor: Actor | None) -> Actor:
    actor = require_signed_in(actor)
    if not actor.is_staff:
        raise NotAllowed("Only clinic staff may do this.")
    return actor


def may_manage_patient(actor: Actor | None, patient_id: int | None) -> bool:
    """Staff manage every patient; an online user only the patients linked to them."""
    if actor is None or patient_id is None:
        return False
    return actor.is_staff or patient_id in actor.patient_ids


def require_patient_access(actor: Actor | None, patient_id: int) -> Actor:
    actor = require_signed_in(actor)
    if not may_manage_patient(actor, patient_id):
        raise NotAllowed("You do not manage this patient.")
    return actor


def may_see_appointment(
    actor: Actor | None,
    *,
    patient_id: int | None,
    practitioner_id: int,
    created_by_id: int | None,
) -> bool:
    """Staff see the diary; practitioners their own; users their patients' and their own holds."""
    if actor is None:
        return False
    if actor.is_staff:
        return True
    if actor.practitioner_id is not None and actor.practitioner_id == practitioner_id:
        return True
    if created_by_id == actor.user_id:
        return True
    return may_manage_patient(actor, patient_id)


def may_read_diary(actor: Actor | None, practitioner_id: int) -> bool:
    if actor is None:
        return False
    return actor.is_staff or actor.practitioner_id == practitioner_id
