"""Loaders of users, patients and who manages whom."""

from __future__ import annotations

from datetime import UTC, datetime

from persistence import batches
from persistence.models import PatientRow, UserRow
from persistence.repositories.verifications import users_verified
from schema.core.loaders import LoaderKey

PATIENT = LoaderKey[int, PatientRow | None](
    "patient", lambda db, ids: batches.by_id(db, PatientRow, ids)
)
USER = LoaderKey[int, UserRow | None]("user", lambda db, ids: batches.by_id(db, UserRow, ids))
USER_PATIENTS = LoaderKey("user_patients", batches.patients_of_users)
PATIENT_USERS = LoaderKey("patient_users", batches.users_of_patients)
INVITED = LoaderKey[int, bool](
    "invited", lambda db, ids: batches.invited_patients(db, ids, datetime.now(UTC))
)
EMAIL_VERIFIED = LoaderKey[int, bool]("email_verified", users_verified)
