"""link: staff give an online user a patient record (themselves or a family member)."""

from __future__ import annotations

from domain.actors import Actor, UserKind
from domain.errors import InvalidInput, found
from domain.policy import require_staff
from domain.validation import parse_id
from domain.webhook_events import patient_linked
from persistence.models import PatientRow
from resolvers.accounts.admission import merge_into
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

NOT_PATIENT_USERS = (UserKind.STAFF.value, UserKind.PRACTITIONER.value)


async def link(deps: Deps, actor: Actor | None, *, user_id: str, patient_id: str) -> PatientRow:
    """A user still registered provisionally *is* that patient: their provisional profile
    is merged into it, so no duplicate remains and their provisional bookings become real.
    """
    require_staff(actor)
    user_key = parse_id(user_id, "userId")
    patient_key = parse_id(patient_id, "patientId")
    async with UnitOfWork(deps) as uow:
        user = found(await uow.users.get(user_key), "No such user.")
        if user.kind in NOT_PATIENT_USERS:
            raise InvalidInput("Only patient users can be linked to patients.", "userId")
        patient = found(await uow.patients.get(patient_key), "No such patient.")
        if patient.provisional:
            raise InvalidInput(
                "Link to an existing patient; confirm or merge registrations.", "patientId"
            )
        if user.kind == UserKind.PROVISIONAL_PATIENT.value:
            clinic = await uow.clinic.get()
            for provisional in await uow.patients.provisional_of_user(user_key):
                await merge_into(uow, provisional, patient, clinic, target_field="patientId")
        await uow.users.link(user_key, patient_key)
        user.kind = UserKind.PATIENT.value
        uow.tell_partners(patient_linked(patient_key, user_key, uow.now()))
        await uow.commit()
    return patient
