"""Expected outcomes a user can cause. The schema turns each into a `Problem` type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from domain.phrases import Phrase, Said, phrase_of


class DomainError(Exception):
    """Base of every expected, user-caused outcome; `code` is stable for clients."""

    code = "ERROR"

    def __init__(self, message: str | Phrase) -> None:
        self.phrase = phrase_of(message)
        #: English, remembering its phrase (so a reader's language can be put in later).
        self.message: str = Said(self.phrase)
        super().__init__(self.message)

    @property
    def extensions(self) -> dict[str, str]:
        """What a GraphQL error built from this carries (graphql-core reads it)."""
        return {"code": self.code}


class NotFound(DomainError):
    code = "NOT_FOUND"


class NotAllowed(DomainError):
    code = "NOT_ALLOWED"


class InvalidInput(DomainError):
    code = "INVALID_INPUT"

    def __init__(self, message: str | Phrase, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @property
    def extensions(self) -> dict[str, str]:
        return {"code": self.code, **({"field": self.field} if self.field else {})}


class SlotUnavailable(DomainError):
    code = "SLOT_UNAVAILABLE"


class TimeTaken(Exception):
    """The diary refused a live appointment: another live one of the practitioner
    overlaps it (the database's guarantee). Raised by persistence without words; the use
    case says what it means to its caller, usually as `SlotUnavailable`."""


class HoldExpired(DomainError):
    code = "HOLD_EXPIRED"


class ConsentMissing(DomainError):
    code = "CONSENT_MISSING"


class InvitationStale(DomainError):
    code = "INVITATION_STALE"


class VerificationFailed(DomainError):
    code = "VERIFICATION_FAILED"


class PatientChoiceRequired(DomainError):
    code = "PATIENT_CHOICE_REQUIRED"

    def __init__(self, message: str | Phrase, candidates: Sequence[Any]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


T = TypeVar("T")


def found(value: T | None, message: str | Phrase) -> T:
    """The value, or NotFound(message) when there is none."""
    if value is None:
        raise NotFound(message)
    return value
