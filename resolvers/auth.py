"""Sign-in: register, login, logout, and who a bearer token belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import update

from domain.actors import Actor, UserKind
from domain.credentials import (
    check_password_strength,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from domain.errors import InvalidInput
from domain.validation import normalize_email, optional_text, require_text
from persistence import repositories as repo
from persistence.models import AuthTokenRow, PatientRow, UserRow
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import StaffNotificationKind, StaffNotified

TOKEN_LIFETIME = timedelta(days=30)
BEARER = "bearer "


@dataclass(frozen=True)
class SignedIn:
    token: str
    user: UserRow


@dataclass(frozen=True)
class Identity:
    """The user behind a request and the rules' view of them."""

    user: UserRow
    actor: Actor


def bearer_token(header: str | None) -> str | None:
    if not header or not header.lower().startswith(BEARER):
        return None
    return header[len(BEARER) :].strip() or None


async def identify(services: Services, token: str | None) -> Identity | None:
    """The signed-in user for a token, or None for a missing, revoked or expired one."""
    if not token:
        return None
    async with UnitOfWork(services, write=False) as uow:
        found = await repo.user_for_token(uow.session, token_digest(token), services.now())
    if found is None:
        return None
    user, patient_ids = found
    actor = Actor(
        user_id=user.id,
        kind=UserKind(user.kind),
        patient_ids=patient_ids,
        practitioner_id=user.practitioner_id,
    )
    return Identity(user, actor)


async def _issue_token(uow: UnitOfWork, services: Services, user: UserRow) -> str:
    token = new_token()
    now = services.now()
    uow.session.add(
        AuthTokenRow(
            user_id=user.id,
            token_digest=token_digest(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    return token


async def register(
    services: Services,
    *,
    email: str,
    password: str,
    name: str,
    birth_date: date | None,
    phone: str | None,
) -> SignedIn:
    """A new online user with a provisional patient profile that staff confirm or merge."""
    email = normalize_email(email)
    name = require_text(name, "name")
    phone = optional_text(phone, "phone", 40)
    check_password_strength(password)
    password_hash = hash_password(password)
    async with UnitOfWork(services) as uow:
        if await repo.user_by_email(uow.session, email) is not None:
            raise InvalidInput("An account with this email exists; sign in instead.", "email")
        now = services.now()
        patient = PatientRow(
            name=name,
            birth_date=birth_date,
            email=email,
            phone=phone,
            contact_consent=True,
            provisional=True,
            created_at=now,
        )
        user = UserRow(
            email=email,
            name=name,
            kind=UserKind.PROVISIONAL_PATIENT.value,
            password_hash=password_hash,
            created_at=now,
        )
        uow.session.add_all([patient, user])
        await uow.session.flush()
        await repo.link_user_to_patient(uow.session, user.id, patient.id)
        token = await _issue_token(uow, services, user)
        uow.emit(StaffNotified(StaffNotificationKind.NEW_REGISTRATION, now, patient_id=patient.id))
        await uow.commit()
    return SignedIn(token, user)


WRONG_CREDENTIALS = "The email or password is wrong."


async def login(services: Services, *, email: str, password: str) -> SignedIn:
    """Unknown email and wrong password answer alike, and take as long."""
    address = email.strip().lower()
    async with UnitOfWork(services) as uow:
        user = await repo.user_by_email(uow.session, address)
        password_ok = verify_password(user.password_hash if user else None, password)
        if user is None or not password_ok:
            raise InvalidInput(WRONG_CREDENTIALS)
        token = await _issue_token(uow, services, user)
        await uow.commit()
    return SignedIn(token, user)


async def logout(services: Services, token: str | None) -> bool:
    """Revoke the token in use; True when there was one to revoke."""
    if not token:
        return False
    async with UnitOfWork(services) as uow:
        result = await uow.session.execute(
            update(AuthTokenRow)
            .where(
                AuthTokenRow.token_digest == token_digest(token), AuthTokenRow.revoked_at.is_(None)
            )
            .values(revoked_at=services.now())
        )
        await uow.commit()
    return bool(getattr(result, "rowcount", 0))


async def create_staff(services: Services, *, email: str, password: str, name: str) -> UserRow:
    email = normalize_email(email)
    name = require_text(name, "name")
    check_password_strength(password)
    async with UnitOfWork(services) as uow:
        if await repo.user_by_email(uow.session, email) is not None:
            raise InvalidInput("An account with this email exists.", "email")
        user = UserRow(
            email=email,
            name=name,
            kind=UserKind.STAFF.value,
            password_hash=hash_password(password),
            created_at=services.now(),
        )
        uow.session.add(user)
        await uow.commit()
    return user
