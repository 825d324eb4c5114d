"""Signed, single-use links about a visit, emailed to its patient's user: confirm it, ask
to cancel it, take a waitlist offer. Opening one shows what it would do and one button
(a mail scanner fetching the link changes nothing); pressing it does it, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import signed_links
from domain.errors import DomainError, NotFound
from domain.language import DEFAULT_LANGUAGE
from domain.messages import VisitFacts
from domain.phrases import Phrase
from domain.throttling import LINK_USES_PER_ADDRESS, TooManyAttempts
from domain.visit_links import INVALID, LinkPurpose
from persistence.models import AppointmentRow, VisitLinkRow
from resolvers.attempts import limit_per_address
from resolvers.deps import Deps
from resolvers.mail.notices import visit_facts
from resolvers.unit_of_work import UnitOfWork
from resolvers.visits.link_actions import act


async def issue_link(
    uow: UnitOfWork,
    deps: Deps,
    appointment_id: int,
    purpose: LinkPurpose,
    *,
    expires_at: datetime,
    now: datetime,
) -> str:
    """A new link's URL (kept only as its nonce, in `uow`)."""
    row = await uow.visit_links.issue(
        VisitLinkRow(
            appointment_id=appointment_id,
            purpose=purpose.value,
            nonce=signed_links.new_nonce(),
            created_at=now,
            expires_at=expires_at,
        )
    )
    assert row.nonce is not None
    token = signed_links.sign(deps.settings.secret_key, purpose.signed_as, row.id, row.nonce)
    return f"{deps.settings.public_url}/visit-link/{token}"


@dataclass(frozen=True)
class LinkPage:
    """What a link's page says: a question with its button, or what happened."""

    message: str | Phrase
    visit: VisitFacts | None = None
    button: str | None = None
    #: The clinic's language: the page's when the browser asks for none it speaks.
    language: str = DEFAULT_LANGUAGE


async def open_link(deps: Deps, token: str) -> LinkPage:
    """GET: what the link would do, changing nothing."""
    async with UnitOfWork(deps, write=False) as uow:
        clinic = await uow.clinic.get()
        try:
            link, row = await _valid(uow, deps, token)
        except NotFound:
            return LinkPage(INVALID, language=clinic.language)
        purpose = LinkPurpose(link.purpose)
        facts = await visit_facts(uow, row, clinic)
    return LinkPage(purpose.asks, facts, purpose.button, clinic.language)


async def use_link(deps: Deps, token: str, client_address: str | None = None) -> LinkPage:
    """POST: do what the link says, once; a refusal (a notice window, a time taken) is
    said on the page and uses nothing up. Uses count against the address's allowance."""
    try:
        await limit_per_address(deps, LINK_USES_PER_ADDRESS, client_address)
    except TooManyAttempts as refused:
        return LinkPage(refused.message)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        clinic = await uow.clinic.get()
        language = clinic.language  # read now: a rollback below expires the row
        try:
            link, row = await _valid(uow, deps, token)
        except NotFound:
            return LinkPage(INVALID, language=language)
        try:
            done = await act(uow, LinkPurpose(link.purpose), row, now)
        except DomainError as refused:
            await uow.rollback()
            changed_nothing = Phrase("{refusal} Nothing was changed.", refusal=refused.phrase)
            return LinkPage(changed_nothing, language=language)
        link.nonce, link.used_at = None, now
        facts = await visit_facts(uow, row, clinic)
        await uow.commit()
    return LinkPage(done, facts, language=language)


async def _valid(uow: UnitOfWork, deps: Deps, token: str) -> tuple[VisitLinkRow, AppointmentRow]:
    link_id = signed_links.subject_of(token, INVALID)
    link = await uow.visit_links.get(link_id)
    if link is None or link.used_at is not None or link.expires_at <= deps.now():
        raise NotFound(INVALID)
    signed_links.check(
        deps.settings.secret_key,
        LinkPurpose(link.purpose).signed_as,
        token,
        link.id,
        link.nonce,
        INVALID,
    )
    row = await uow.appointments.get_hold(link.appointment_id)
    if row is None:
        raise NotFound(INVALID)
    return link, row
