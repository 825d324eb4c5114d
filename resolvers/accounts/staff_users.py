"""inviteStaffUser, invitePractitionerUser, setUpAccount: the clinic's own users.

Staff invite a colleague by email; the invitee chooses a password through a single-use
link and is signed in. Asking again for the same person sends a fresh link.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain import messages, signed_links
from domain.actors import Actor, UserKind
from domain.credentials import check_password_strength
from domain.errors import InvalidInput, NotFound, found
from domain.phrases import N_
from domain.policy import require_staff
from domain.validation import normalize_email, parse_id, require_text
from persistence.models import UserRow
from resolvers.accounts.passwords import hashed
from resolvers.accounts.sign_in import SignedIn
from resolvers.accounts.tokens import issue_token
from resolvers.deps import Deps
from resolvers.mail.notices import user_recipient
from resolvers.unit_of_work import UnitOfWork

PURPOSE = "account-setup"
LINK_VALID_FOR = timedelta(days=3)
ROLES = {UserKind.STAFF: N_("clinic staff"), UserKind.PRACTITIONER: N_("a practitioner")}


async def invite_staff_user(deps: Deps, actor: Actor | None, *, email: str, name: str) -> UserRow:
    require_staff(actor)
    address = normalize_email(email)
    user = UserRow(email=address, name=require_text(name, "name"), kind=UserKind.STAFF.value)
    return await _invite(deps, user)


async def invite_practitioner_user(
    deps: Deps, actor: Actor | None, *, email: str, practitioner_id: str
) -> UserRow:
    """An online user linked to a practitioner profile: they see their own diary."""
    require_staff(actor)
    address = normalize_email(email)
    key = parse_id(practitioner_id, "practitionerId")
    async with UnitOfWork(deps, write=False) as uow:
        practitioner = found(await uow.catalog.practitioner(key), "No such practitioner.")
    user = UserRow(
        email=address,
        name=practitioner.name,
        kind=UserKind.PRACTITIONER.value,
        practitioner_id=key,
    )
    return await _invite(deps, user)


async def _invite(deps: Deps, invited: UserRow) -> UserRow:
    """Create the user without a password, or find the same invitee still without one,
    and send a fresh set-up link."""
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        user = await uow.users.by_email(invited.email)
        if user is None:
            invited.created_at = now
            user = await uow.users.add(invited)
        elif not _same_invitee(user, invited):
            raise InvalidInput("An account with this email exists.", "email")
        user.setup_nonce = signed_links.new_nonce()
        user.setup_expires_at = now + LINK_VALID_FOR
        await _send_link(deps, uow, user, now)
        await uow.commit()
    return user


def _same_invitee(user: UserRow, invited: UserRow) -> bool:
    return (
        user.password_hash is None
        and user.kind == invited.kind
        and user.practitioner_id == invited.practitioner_id
    )


async def _send_link(deps: Deps, uow: UnitOfWork, user: UserRow, now: datetime) -> None:
    assert user.setup_nonce is not None and user.setup_expires_at is not None
    token = signed_links.sign(deps.settings.secret_key, PURPOSE, user.id, user.setup_nonce)
    clinic = await uow.clinic.get()
    email = messages.account_setup(
        user_recipient(user, clinic),
        clinic.name,
        ROLES[UserKind(user.kind)],
        f"{deps.settings.public_url}/account-setup?token={token}",
        user.setup_expires_at,
        ZoneInfo(clinic.time_zone),
    )
    uow.mail(email, now)


async def set_up_account(
    deps: Deps, _actor: Actor | None, *, token: str, password: str
) -> SignedIn:
    """The invitee chooses a password and is signed in; the link works once."""
    user_id = signed_links.subject_of(token)
    check_password_strength(password)
    password_hash = await hashed(password)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        user = found(await uow.users.get(user_id), signed_links.INVALID)
        signed_links.check(deps.settings.secret_key, PURPOSE, token, user.id, user.setup_nonce)
        if user.setup_expires_at is None or user.setup_expires_at <= now or user.disabled_at:
            raise NotFound(signed_links.INVALID)
        user.password_hash = password_hash
        user.setup_nonce = None
        user.setup_expires_at = None
        signed = SignedIn(issue_token(uow, user.id, now), user)
        await uow.commit()
    return signed
