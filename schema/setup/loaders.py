"""Loaders of what the clinic offers."""

from __future__ import annotations

from persistence import batches
from persistence.models import LocationRow, PractitionerRow, ServiceRow
from schema.core.loaders import LoaderKey

PRACTITIONER = LoaderKey[int, PractitionerRow | None](
    "practitioner", lambda db, ids: batches.by_id(db, PractitionerRow, ids)
)
LOCATION = LoaderKey[int, LocationRow | None](
    "location", lambda db, ids: batches.by_id(db, LocationRow, ids)
)
SERVICE = LoaderKey[int, ServiceRow | None](
    "service", lambda db, ids: batches.by_id(db, ServiceRow, ids)
)
PRACTITIONER_SERVICES = LoaderKey("practitioner_services", batches.services_of_practitioners)
PRACTITIONER_SESSIONS = LoaderKey("practitioner_sessions", batches.sessions_of_practitioners)
