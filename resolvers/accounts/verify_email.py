"""Email verification: the link register sends, verifyEmail, resendVerification."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from domain import messages
from domain import verification as rules
from domain.actors import Actor
from domain.errors import NotFound, found
from domain.policy import may_verify_email, require_signed_in
from domain.throttling import MAIL_REQUESTS_PER_ADDRESS
from persistence.models import EmailVerificationRow, UserRow
from resolvers.attempts import limit_per_address
from resolvers.deps import Deps
from resolvers.mail.notices import user_recipient
from resolvers.unit_of_work import UnitOfWork


async def send_verification_link(deps: Deps, uow: UnitOfWork, user: UserRow, now: datetime) -> None:
    """Stage a fresh link to the user's email, and its email, in the caller's transaction."""
    row = await uow.verifications.add(
        EmailVerificationRow(
            user_id=user.id,
            email=user.email,
            nonce=secrets.token_hex(16),
            sent_at=now,
            expires_at=now + rules.LINK_LIFETIME,
        )
    )
    clinic = await uow.clinic.get()
    token = rules.verification_token(deps.settings.secret_key, row.id, row.nonce)
    email = messages.email_verification(
        user_recipient(user, clinic),
        clinic.name,
        rules.link_for(deps.settings.public_url, token),
        row.expires_at,
        ZoneInfo(clinic.time_zone),
    )
    uow.mail(email, now)


async def verify_email(deps: Deps, actor: Actor | None, *, token: str) -> UserRow:
    """The signed-in user proves their email with the link sent to it. A bad, used,
    expired or superseded link, or another account's, answers NotFound."""
    actor = require_signed_in(actor)
    verification_id = rules.token_verification_id(token)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = found(await uow.verifications.get(verification_id, lock=True), rules.INVALID)
        rules.check_token(deps.settings.secret_key, token, row.id, row.nonce)
        if not may_verify_email(actor, row.user_id):
            raise NotFound(rules.INVALID)
        user = found(await uow.users.get(row.user_id), rules.INVALID)
        rules.check_usable(
            used_at=row.used_at,
            expires_at=row.expires_at,
            sent_to=row.email,
            email_now=user.email,
            now=now,
        )
        row.used_at = now
        await uow.commit()
    return user


async def resend_verification(
    deps: Deps, actor: Actor | None, *, client_address: str | None = None
) -> UserRow:
    """A fresh link for the signed-in user, unless their email is verified already or a
    link went out within the last minute (that one still works). The same answer either
    way: the user, whose `emailVerified` tells which."""
    actor = require_signed_in(actor)
    await limit_per_address(deps, MAIL_REQUESTS_PER_ADDRESS, client_address)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        user = found(await uow.users.get(actor.user_id), "No such user.")
        verified = await uow.verifications.verified_email(user.id) is not None
        if not verified and rules.may_send_again(await uow.verifications.last_sent(user.id), now):
            await send_verification_link(deps, uow, user, now)
            await uow.commit()
    return user
