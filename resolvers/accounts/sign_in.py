"""register, login, logout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.actors import Actor, UserKind
from domain.credentials import check_password_strength, token_digest
from domain.errors import InvalidInput, NotAllowed
from domain.phrases import N_
from domain.throttling import (
    REGISTRATIONS_PER_ADDRESS,
    SIGN_IN_PER_ACCOUNT,
    SIGN_IN_PER_ADDRESS,
    Charge,
)
from domain.validation import (
    normalize_email,
    optional_text,
    require_birth_date,
    require_plain_text,
    require_text,
)
from persistence.models import PatientRow, UserRow
from resolvers.accounts.end_sessions import announce_ended
from resolvers.accounts.passwords import hashed, matches
from resolvers.accounts.tokens import issue_token
from resolvers.accounts.verify_email import send_verification_link
from resolvers.attempts import limit, limit_per_address, per_address
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import StaffNotificationKind, StaffNotified

WRONG_CREDENTIALS = N_("The email or password is wrong.")
ACCESS_TURNED_OFF = N_("Your online access is turned off; please call the clinic.")


@dataclass(frozen=True)
class SignedIn:
    token: str
    user: UserRow


async def register(
    deps: Deps,
    _actor: Actor | None,
    *,
    email: str,
    password: str,
    name: str,
    birth_date: date | None,
    phone: str | None,
    client_address: str | None = None,
    language: str | None = None,
) -> SignedIn:
    """A new online user with a provisional patient profile that staff confirm or merge;
    `language` is what their page asked in (None: the clinic's)."""
    email = normalize_email(email)
    name = require_text(name, "name")
    phone = optional_text(phone, "phone", 40)
    now = deps.now()
    birth_date = require_birth_date(birth_date, now) if birth_date else None
    check_password_strength(password)
    await limit_per_address(deps, REGISTRATIONS_PER_ADDRESS, client_address)
    password_hash = await hashed(password)
    async with UnitOfWork(deps) as uow:
        if await uow.users.by_email(email) is not None:
            raise InvalidInput("An account with this email exists; sign in instead.", "email")
        patient = await uow.patients.add(
            PatientRow(
                name=name,
                birth_date=birth_date,
                email=email,
                phone=phone,
                contact_consent=True,
                provisional=True,
                created_at=now,
            )
        )
        user = await uow.users.add(
            UserRow(
                email=email,
                name=name,
                kind=UserKind.PROVISIONAL_PATIENT.value,
                password_hash=password_hash,
                created_at=now,
                language=language,
            )
        )
        await uow.users.link(user.id, patient.id)
        token = issue_token(uow, user.id, now)
        await send_verification_link(deps, uow, user, now)
        uow.emit(StaffNotified(StaffNotificationKind.NEW_REGISTRATION, now, patient_id=patient.id))
        await uow.commit()
    return SignedIn(token, user)


async def login(
    deps: Deps,
    _actor: Actor | None,
    *,
    email: str,
    password: str,
    client_address: str | None = None,
) -> SignedIn:
    """Unknown email and wrong password answer alike, and take as long.

    Each attempt counts as a failure, per account and per address, before the password
    is checked, so guesses sent at once cannot outrun the limit; a success clears the
    account's tally and takes its own back from the address's. While either must wait,
    any attempt, the right password too, gets the same TooManyAttempts.
    """
    address = require_plain_text(email, "email").strip().lower()
    account = Charge(SIGN_IN_PER_ACCOUNT, address)
    origin = per_address(SIGN_IN_PER_ADDRESS, client_address)
    await limit(deps, account, origin)
    async with UnitOfWork(deps, write=False) as uow:
        user = await uow.users.by_email(address)
    password_ok = await matches(user.password_hash if user else None, password)
    if user is None or not password_ok:
        raise InvalidInput(WRONG_CREDENTIALS)
    if user.disabled_at is not None:
        raise NotAllowed(ACCESS_TURNED_OFF)
    await deps.attempts.clear(account)
    await deps.attempts.refund(origin)
    async with UnitOfWork(deps) as uow:
        token = issue_token(uow, user.id, deps.now())
        await uow.commit()
    return SignedIn(token, user)


async def logout(deps: Deps, token: str | None) -> bool:
    """Revoke the token in use; True when there was one to revoke. Sockets signed in
    with it close on every process."""
    if not token:
        return False
    digest = token_digest(token)
    async with UnitOfWork(deps) as uow:
        revoked = await uow.users.revoke_token(digest, deps.now())
        if revoked:
            announce_ended(uow, [digest])
        await uow.commit()
    return revoked


async def create_staff(deps: Deps, *, email: str, password: str, name: str) -> UserRow:
    """A staff sign-in, made from the command line."""
    email = normalize_email(email)
    name = require_text(name, "name")
    check_password_strength(password)
    async with UnitOfWork(deps) as uow:
        if await uow.users.by_email(email) is not None:
            raise InvalidInput("An account with this email exists.", "email")
        user = await uow.users.add(
            UserRow(
                email=email,
                name=name,
                kind=UserKind.STAFF.value,
                password_hash=await hashed(password),
                created_at=deps.now(),
            )
        )
        await uow.commit()
    return user
