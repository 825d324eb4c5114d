"""What an API client may be granted: its scopes, and the rules for naming them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import InvalidInput

AVAILABILITY_READ = "availability:read"
APPOINTMENTS_READ = "appointments:read"
APPOINTMENTS_WRITE = "appointments:write"
PATIENTS_READ = "patients:read"
WEBHOOKS_MANAGE = "webhooks:manage"

#: Every scope, in the order the documentation lists them.
SCOPES = (AVAILABILITY_READ, APPOINTMENTS_READ, APPOINTMENTS_WRITE, PATIENTS_READ, WEBHOOKS_MANAGE)

MAX_CLIENT_NAME = 100


def require_scopes(names: Iterable[str], field: str = "scopes") -> frozenset[str]:
    """Known scopes, at least one; anything else is InvalidInput on `field`."""
    chosen = frozenset(names)
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        # Named by position, never echoed: the input may be anything.
        raise InvalidInput(f"Unknown scope; choose from {', '.join(SCOPES)}.", field)
    if not chosen:
        raise InvalidInput("Grant at least one scope.", field)
    return chosen


def scope_text(scopes: Iterable[str]) -> str:
    """Scopes as OAuth writes them: space-separated, in a stable order."""
    return " ".join(s for s in SCOPES if s in set(scopes))


def scopes_of(text: str | None) -> frozenset[str]:
    return frozenset((text or "").split())
