"""accept: a requested or provisional appointment becomes BOOKED; the patient is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import messages
from domain.actors import Actor
from domain.appointments import AppointmentStatus, check_answerable
from domain.errors import InvalidInput, PatientChoiceRequired
from domain.matching import choose_automatically
from domain.phrases import N_
from domain.policy import require_staff
from domain.validation import parse_id
from domain.verification import proved
from persistence.models import AppointmentRow, ClinicRow, PatientRow
from resolvers.accounts.admission import admit, merge_into, provisional_patient
from resolvers.answers.answering import already_answered, appointment_to_answer
from resolvers.answers.patient_matches import matches_for
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.mail.notices import patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import SlotState

CHOOSE = N_(
    "Patient records may be this requester, but none certainly is (only the requester's"
    " verified email can make it so): accept again naming one, or createPatient."
)
NO_MATCH = N_("No existing patient matches the requester: accept with createPatient to admit them.")


@dataclass(frozen=True)
class Accepted:
    """The booked appointment. For a registrant folded into an existing patient,
    `identity_confirmed` tells whether their verified email is that patient's email on
    file (False: staff linked them on their own judgement); otherwise None."""

    row: AppointmentRow
    identity_confirmed: bool | None = None


async def accept(
    deps: Deps,
    actor: Actor | None,
    *,
    appointment_id: str,
    patient_id: str | None,
    create_patient: bool | None,
) -> Accepted:
    require_staff(actor)
    key = parse_id(appointment_id, "appointmentId")
    chosen = parse_id(patient_id, "patientId") if patient_id is not None else None
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await appointment_to_answer(uow, key)
        if row.status == AppointmentStatus.BOOKED.value:
            return Accepted(row)  # accepting twice is the same outcome
        check_answerable(AppointmentStatus(row.status))
        expected = row.status
        clinic = await uow.clinic.get()
        patient_ref, confirmed = row.patient_id, None
        if expected == AppointmentStatus.PROVISIONAL.value:
            patient, confirmed = await _admit_requester(uow, row, clinic, chosen, create_patient)
            patient_ref = patient.id
        swapped = await uow.appointments.swap_status(
            row.id, [expected], status=AppointmentStatus.BOOKED.value, patient_id=patient_ref
        )
        if not swapped:
            await uow.rollback()
            return Accepted(await already_answered(deps, key, AppointmentStatus.BOOKED))
        await uow.appointments.refresh(row)
        await _confirm(uow, row, clinic, now)
        uow.count(Fact.REQUEST_ACCEPTED)
        await uow.commit()
    return Accepted(row, confirmed)


async def _admit_requester(
    uow: UnitOfWork,
    row: AppointmentRow,
    clinic: ClinicRow,
    chosen: int | None,
    create_patient: bool | None,
) -> tuple[PatientRow, bool | None]:
    """For a PROVISIONAL appointment: merge into the chosen patient, admit as new, or take
    the single certain match (one resting on the registrant's verified email). Also says
    whether a merge rests on the registrant's verified email being the record's."""
    assert row.patient_id is not None
    provisional = await provisional_patient(uow, row.patient_id)
    if chosen is not None:
        target = await uow.patients.get(chosen)
        if target is None:
            raise InvalidInput("No such patient to merge the requester into.", "patientId")
        proved_emails = await uow.verifications.verified_emails_of_patient(provisional.id)
        confirmed = proved(target.email, proved_emails)  # before the merge fills it in
        await merge_into(uow, provisional, target, clinic, keep=row.id, target_field="patientId")
        return target, confirmed
    if create_patient:
        await admit(uow, provisional, clinic, keep=row.id)
        return provisional, None
    found = await matches_for(uow, provisional)
    certain = choose_automatically([f.match for f in found])
    if certain is not None:
        target = next(f.patient for f in found if f.match.patient_id == certain.patient_id)
        await merge_into(uow, provisional, target, clinic, keep=row.id, target_field="patientId")
        return target, True
    if found:
        raise PatientChoiceRequired(CHOOSE, found)
    raise InvalidInput(NO_MATCH, "createPatient")


async def _confirm(uow: UnitOfWork, row: AppointmentRow, clinic: ClinicRow, now: datetime) -> None:
    to = await patient_contact(uow, row, clinic)
    if to:
        uow.mail(messages.confirmed(to, await visit_facts(uow, row, clinic)), now)
    uow.emit(
        slot_changed(row, SlotState.BOOKED),
        appointment_changed(row),
    )
