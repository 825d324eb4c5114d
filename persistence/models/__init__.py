"""SQLAlchemy 2 models of the clinic's diary and its online users, one module per
capability. A new capability adds its own module and one import line here, so that
Alembic and the tests see its tables in `Base.metadata`."""

from persistence.models.accounts import (
    AuthTokenRow,
    EmailLinkRow,
    EmailVerificationRow,
    InvitationRow,
    UserRow,
    user_patients,
)
from persistence.models.base import NAMING, Base
from persistence.models.clients import ApiClientCallRow, ApiClientRow, ApiClientTokenRow
from persistence.models.events import EventOutboxRow
from persistence.models.outbox import OutboxRow
from persistence.models.setup import (
    ClinicRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    practitioner_services,
)
from persistence.models.visits import (
    AppointmentMoveRow,
    AppointmentRow,
    ReminderSentRow,
    VisitLinkRow,
)
from persistence.models.waitlist import WaitlistEntryRow, WaitlistPassRow
from persistence.models.webhooks import WebhookDeliveryRow, WebhookEndpointRow

__all__ = [
    "NAMING",
    "ApiClientCallRow",
    "ApiClientRow",
    "ApiClientTokenRow",
    "AppointmentMoveRow",
    "AppointmentRow",
    "AuthTokenRow",
    "Base",
    "ClinicRow",
    "EmailLinkRow",
    "EmailVerificationRow",
    "EventOutboxRow",
    "InvitationRow",
    "LocationRow",
    "OutboxRow",
    "PatientRow",
    "PractitionerRow",
    "ReminderSentRow",
    "ServiceRow",
    "SessionSeriesRow",
    "UserRow",
    "VisitLinkRow",
    "WaitlistEntryRow",
    "WaitlistPassRow",
    "WebhookDeliveryRow",
    "WebhookEndpointRow",
    "practitioner_services",
    "user_patients",
]
