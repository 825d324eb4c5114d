"""Every operation says, where it is declared, who may call it; this is the list."""

from __future__ import annotations

from domain.requirements import (
    ANYONE,
    APPOINTMENTS_WRITE,
    AVAILABILITY,
    HOLDER,
    MOVER,
    PER_OBJECT,
    SIGNED_IN,
    SIGNED_IN_PERSON,
    STAFF,
    WEBHOOK_MANAGER,
    Requirement,
    staff_or_client_with,
)
from schema.build import build_schema
from schema.core.access import requirement_of

PATIENTS = staff_or_client_with("patients:read")
APPOINTMENTS = staff_or_client_with("appointments:read")

DECLARED: dict[str, Requirement] = {
    "query me": ANYONE,
    "query clinic": AVAILABILITY,
    "query locations": AVAILABILITY,
    "query services": AVAILABILITY,
    "query practitioners": AVAILABILITY,
    "query availableSlots": AVAILABILITY,
    "query invitations": STAFF,
    "query invitationsConnection": PATIENTS,
    "query onlineRegistrations": STAFF,
    "query onlineRegistrationsConnection": PATIENTS,
    "query patients": PATIENTS,
    "query patientsConnection": PATIENTS,
    "query pendingRequests": STAFF,
    "query pendingRequestsConnection": APPOINTMENTS,
    "query patientMatches": STAFF,
    "query mySessions": SIGNED_IN_PERSON,
    "query appointment": PER_OBJECT,
    "query diary": PER_OBJECT,
    "query visits": PER_OBJECT,
    "query appointments": SIGNED_IN,
    "query apiClients": STAFF,
    "query apiClientCalls": STAFF,
    "query webhookEndpoints": WEBHOOK_MANAGER,
    "query webhookDeliveries": WEBHOOK_MANAGER,
    "mutation register": ANYONE,
    "mutation login": ANYONE,
    "mutation logout": ANYONE,
    "mutation setUpAccount": ANYONE,
    "mutation requestPasswordReset": ANYONE,
    "mutation resetPassword": ANYONE,
    "mutation confirmEmailChange": ANYONE,
    "mutation changePassword": SIGNED_IN_PERSON,
    "mutation changeEmail": SIGNED_IN_PERSON,
    "mutation verifyEmail": SIGNED_IN_PERSON,
    "mutation resendVerification": SIGNED_IN_PERSON,
    "mutation endSession": SIGNED_IN_PERSON,
    "mutation endOtherSessions": SIGNED_IN_PERSON,
    "mutation acceptInvitation": SIGNED_IN_PERSON,
    "mutation setMyLanguage": SIGNED_IN_PERSON,
    "mutation hold": HOLDER,
    "mutation releaseHold": HOLDER,
    "mutation request": HOLDER,
    "mutation confirmVisit": SIGNED_IN_PERSON,
    "mutation cancelVisit": SIGNED_IN_PERSON,
    "mutation clearVisitResponse": SIGNED_IN_PERSON,
    "mutation bookAppointment": APPOINTMENTS_WRITE,
    "mutation cancelAppointment": APPOINTMENTS_WRITE,
    "mutation rescheduleAppointment": MOVER,
    "query myWaitlist": SIGNED_IN_PERSON,
    "query waitlist": STAFF,
    "mutation joinWaitlist": SIGNED_IN_PERSON,
    "mutation leaveWaitlist": SIGNED_IN_PERSON,
    "mutation acceptOffer": SIGNED_IN_PERSON,
    "mutation declineOffer": SIGNED_IN_PERSON,
    "mutation moveWaitlistEntry": STAFF,
    "query calendarFeedUrl": SIGNED_IN_PERSON,
    "mutation resetCalendarFeed": SIGNED_IN_PERSON,
    "mutation completeAppointment": STAFF,
    "mutation accept": STAFF,
    "mutation reject": STAFF,
    "mutation invite": STAFF,
    "mutation resendInvitation": STAFF,
    "mutation deleteInvitation": STAFF,
    "mutation bulkInvite": STAFF,
    "mutation link": STAFF,
    "mutation merge": STAFF,
    "mutation confirmRegistration": STAFF,
    "mutation inviteStaffUser": STAFF,
    "mutation invitePractitionerUser": STAFF,
    "mutation disableUser": STAFF,
    "mutation enableUser": STAFF,
    "mutation createPatient": STAFF,
    "mutation updatePatient": STAFF,
    "mutation createPractitioner": STAFF,
    "mutation setOnlineAccess": STAFF,
    "mutation createLocation": STAFF,
    "mutation createService": STAFF,
    "mutation createSessionSeries": STAFF,
    "mutation updateSessionSeries": STAFF,
    "mutation updateClinicSettings": STAFF,
    "mutation createApiClient": STAFF,
    "mutation rotateApiClientSecret": STAFF,
    "mutation revokeApiClient": STAFF,
    "mutation createWebhookEndpoint": WEBHOOK_MANAGER,
    "mutation updateWebhookEndpoint": WEBHOOK_MANAGER,
    "mutation deleteWebhookEndpoint": WEBHOOK_MANAGER,
    "mutation rotateWebhookSecret": WEBHOOK_MANAGER,
    "mutation redeliverWebhook": WEBHOOK_MANAGER,
    "mutation sendTestWebhook": WEBHOOK_MANAGER,
    "subscription slotChanges": AVAILABILITY,
    "subscription staffNotifications": STAFF,
    "subscription myAppointmentUpdates": SIGNED_IN_PERSON,
    "subscription myDiaryChanges": SIGNED_IN_PERSON,
}


def served() -> dict[str, str | None]:
    """Each served operation and what its declaration says (None: it says nothing)."""
    schema = build_schema(production=False)
    found: dict[str, str | None] = {}
    for kind, root in (
        ("query", schema.query),
        ("mutation", schema.mutation),
        ("subscription", schema.subscription),
    ):
        for field in root.__strawberry_definition__.fields:
            assert field.base_resolver is not None, field.name
            declared = requirement_of(field.base_resolver.wrapped_func)
            found[f"{kind} {schema.config.name_converter.get_graphql_name(field)}"] = (
                declared.says if declared else None
            )
    return found


def test_every_operation_declares_who_may_call_it_and_this_list_names_them_all() -> None:
    assert served() == {name: requirement.says for name, requirement in DECLARED.items()}
