"""What an API client may be granted: its scopes, and the rules for naming them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import InvalidInput
from domain.phrases import Phrase

AVAILABILITY_READ = "availability:read"
APPOINTMENTS_READ = "appointments:read"
APPOINTMENTS_WRITE = "appointments:write"
PATIENTS_READ = "patients:read"
WEBHOOKS_MANAGE = "webhooks:manage"

#: Every scope, in the order the documentation lists them.
SCOPES = (AVAILABILITY_READ, APPOINTMENTS_READ, APPOINTMENTS_WRITE, PATIENTS_READ, WEBHOOKS_MANAGE)

MAX_CLIENT_NAME = 100

#: SMART on FHIR's system scopes a partner's FHIR library may ask for, and the scope each
#: is granted as (v1 `.read`/`.write` and v2 `.rs`/`.cud` spellings). The token answers
#: with our names; a partner asking for both gets each once.
SMART_ALIASES = {
    **{
        f"system/{kind}.{access}": AVAILABILITY_READ
        for kind in ("Slot", "Schedule", "Practitioner", "Location", "HealthcareService")
        for access in ("read", "rs")
    },
    "system/Appointment.read": APPOINTMENTS_READ,
    "system/Appointment.rs": APPOINTMENTS_READ,
    "system/Appointment.write": APPOINTMENTS_WRITE,
    "system/Appointment.cud": APPOINTMENTS_WRITE,
    "system/Patient.read": PATIENTS_READ,
    "system/Patient.rs": PATIENTS_READ,
}


def require_scopes(names: Iterable[str], field: str = "scopes") -> frozenset[str]:
    """Known scopes, at least one; anything else is InvalidInput on `field`."""
    chosen = frozenset(names)
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        # Named by position, never echoed: the input may be anything.
        raise InvalidInput(
            Phrase("Unknown scope; choose from {value}.", value=", ".join(SCOPES)), field
        )
    if not chosen:
        raise InvalidInput("Grant at least one scope.", field)
    return chosen


def scope_text(scopes: Iterable[str]) -> str:
    """Scopes as OAuth writes them: space-separated, in a stable order."""
    return " ".join(s for s in SCOPES if s in set(scopes))


def scopes_of(text: str | None) -> frozenset[str]:
    return frozenset((text or "").split())


def asked_scopes(text: str | None) -> frozenset[str]:
    """The scopes a token request names, SMART aliases read as ours; anything unknown
    is kept as it is, to be refused."""
    return frozenset(SMART_ALIASES.get(name, name) for name in scopes_of(text))
