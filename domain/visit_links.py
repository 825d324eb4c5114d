"""Links about a visit that work without signing in: what each does, and its signature's
purpose (so a link made for one never works for another)."""

from __future__ import annotations

from enum import StrEnum

from domain.phrases import N_


class LinkPurpose(StrEnum):
    CONFIRM = "CONFIRM"
    CANCEL = "CANCEL"
    ACCEPT_OFFER = "ACCEPT_OFFER"

    @property
    def signed_as(self) -> str:
        return f"visit-{self.value.lower()}"

    @property
    def asks(self) -> str:
        """What the page asks before the patient presses its one button."""
        return {
            LinkPurpose.CONFIRM: N_("Confirm that you will attend this visit?"),
            LinkPurpose.CANCEL: N_("Ask the clinic to cancel this visit?"),
            LinkPurpose.ACCEPT_OFFER: N_("Take this time, offered to you from the waitlist?"),
        }[self]

    @property
    def button(self) -> str:
        return {
            LinkPurpose.CONFIRM: N_("Confirm"),
            LinkPurpose.CANCEL: N_("Ask to cancel"),
            LinkPurpose.ACCEPT_OFFER: N_("Take this time"),
        }[self]


INVALID = N_("This link is not valid, was used already or has expired. Nothing was changed.")
