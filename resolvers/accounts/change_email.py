"""changeEmail and confirmEmailChange: a new sign-in address takes effect only once a
link sent to it is followed; the old address is told at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain import account_links as links
from domain import account_messages
from domain.account_links import LinkPurpose
from domain.actors import Actor
from domain.credentials import new_token, token_digest
from domain.errors import InvalidInput
from domain.phrases import N_
from domain.policy import require_signed_in
from domain.validation import normalize_email
from persistence.models import UserRow
from resolvers.deps import Deps
from resolvers.mail.notices import user_recipient
from resolvers.unit_of_work import UnitOfWork

TAKEN = N_("An account with this email exists.")
SAME = N_("This is already your email address.")


@dataclass(frozen=True)
class EmailChangeView:
    new_email: str
    expires_at: datetime


async def change_email(deps: Deps, actor: Actor | None, *, new_email: str) -> EmailChangeView:
    """Send a confirmation link to the new address and a notice to the current one.
    Earlier unconfirmed changes stop working. The user's patient records keep their own
    contact email: this is the sign-in address only."""
    actor = require_signed_in(actor)
    address = normalize_email(new_email, "newEmail")
    now = deps.now()
    token = new_token()
    expires = now + links.lifetime(LinkPurpose.EMAIL_CHANGE)
    async with UnitOfWork(deps) as uow:
        user = await uow.users.get(actor.user_id)
        assert user is not None
        if user.email == address:
            raise InvalidInput(SAME, "newEmail")
        if await uow.users.by_email(address) is not None:
            raise InvalidInput(TAKEN, "newEmail")
        await uow.email_links.close_open(user.id, [LinkPurpose.EMAIL_CHANGE.value], now)
        uow.email_links.issue(
            user.id,
            LinkPurpose.EMAIL_CHANGE.value,
            token_digest(token),
            now,
            expires,
            new_email=address,
        )
        clinic = await uow.clinic.get()
        link = links.email_change_link(deps.settings.public_url, token)
        zone = ZoneInfo(clinic.time_zone)
        to_new, to_old = user_recipient(user, clinic, address), user_recipient(user, clinic)
        uow.mail(account_messages.confirm_new_email(to_new, clinic.name, link, expires, zone), now)
        uow.mail(account_messages.email_change_requested(to_old, clinic.name, address), now)
        await uow.commit()
    return EmailChangeView(address, expires)


async def confirm_email_change(deps: Deps, _actor: Actor | None, *, token: str) -> UserRow:
    """Follow the link sent to the new address: the user signs in with it from now on.
    Sessions stay: the person who asked was signed in, and the link proves the mailbox."""
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        found = await uow.email_links.by_digest(token_digest(token.strip()))
        row = links.usable(LinkPurpose.EMAIL_CHANGE, found, now)
        assert row.new_email is not None
        if await uow.users.by_email(row.new_email) is not None:
            raise InvalidInput(TAKEN, "token")
        user = await uow.users.get(row.user_id)
        assert user is not None
        user.email = row.new_email
        row.used_at = now
        await uow.commit()
    return user
