"""requestPasswordReset and resetPassword: a forgotten password, replaced through a link
emailed to the account's address. The answer never tells whether the email has an account."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain import account_links as links
from domain import account_messages
from domain.account_links import LinkPurpose
from domain.actors import Actor
from domain.credentials import check_password_strength, new_token, token_digest
from domain.throttling import MAIL_REQUESTS_PER_ADDRESS
from domain.validation import normalize_email
from resolvers.accounts.end_sessions import end_sessions_of_user
from resolvers.accounts.passwords import hashed
from resolvers.attempts import limit_per_address
from resolvers.deps import Deps
from resolvers.mail.notices import user_recipient
from resolvers.unit_of_work import UnitOfWork

#: Links a password change makes void: an old reset link, and an email change the
#: owner may not have asked for.
VOIDED_BY_NEW_PASSWORD = (LinkPurpose.PASSWORD_RESET.value, LinkPurpose.EMAIL_CHANGE.value)


async def request_password_reset(
    deps: Deps, _actor: Actor | None, *, email: str, client_address: str | None = None
) -> str:
    """Email a single-use link that works for an hour, when the address has an account.
    Asking again within a minute sends nothing more. The answer is the same either way.
    Requests are limited per client address."""
    address = normalize_email(email)
    await limit_per_address(deps, MAIL_REQUESTS_PER_ADDRESS, client_address)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        user = await uow.users.by_email(address)
        recent = user is not None and await uow.email_links.sent_since(
            user.id, LinkPurpose.PASSWORD_RESET.value, now - links.RESEND_PAUSE
        )
        if user is not None and not recent:
            token = new_token()
            expires = now + links.lifetime(LinkPurpose.PASSWORD_RESET)
            uow.email_links.issue(
                user.id, LinkPurpose.PASSWORD_RESET.value, token_digest(token), now, expires
            )
            clinic = await uow.clinic.get()
            link = links.reset_link(deps.settings.public_url, token)
            uow.mail(
                account_messages.password_reset(
                    user_recipient(user, clinic),
                    clinic.name,
                    link,
                    expires,
                    ZoneInfo(clinic.time_zone),
                ),
                now,
            )
            await uow.commit()
    return links.RESET_REQUESTED


async def reset_password(deps: Deps, _actor: Actor | None, *, token: str, new_password: str) -> int:
    """Set a new password with a reset link's token; every session of the user ends (their
    open sockets close). How many sessions ended."""
    check_password_strength(new_password, "newPassword")
    password_hash = await hashed(new_password)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        found = await uow.email_links.by_digest(token_digest(token.strip()))
        row = links.usable(LinkPurpose.PASSWORD_RESET, found, now)
        user = await uow.users.get(row.user_id)
        assert user is not None
        user.password_hash = password_hash
        await uow.email_links.close_open(user.id, VOIDED_BY_NEW_PASSWORD, now)
        ended = await end_sessions_of_user(uow, user.id, now)
        await uow.commit()
    return ended
