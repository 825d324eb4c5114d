"""Invitations to manage a patient: unguessable single-use links and verification codes.

The link's token is `<id>.<mac>` where mac = HMAC-SHA256(server secret, id:nonce). The
database holds the nonce but not the secret, so a copy of it yields no usable link; the
server can still show staff the link and resend it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from domain.errors import NotFound, VerificationFailed
from domain.phrases import Phrase
from domain.validation import id_value

MAX_CODE_ATTEMPTS = 5


class InvitationState(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REVOKED = "REVOKED"


def new_nonce() -> str:
    return secrets.token_hex(16)


def new_verification_code() -> str:
    """Six digits staff read out on the phone."""
    return f"{secrets.randbelow(10**6):06d}"


def _mac(secret: str, invitation_id: int, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"{invitation_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def invitation_token(secret: str, invitation_id: int, nonce: str) -> str:
    return f"{invitation_id}.{_mac(secret, invitation_id, nonce)}"


def token_invitation_id(token: str) -> int:
    """The invitation a token names (not yet proof that it is genuine)."""
    head, _, mac = token.strip().partition(".")
    invitation_id = id_value(head)
    if invitation_id is None or not mac:
        raise NotFound("This invitation link is not valid.")
    return invitation_id


def check_token(secret: str, token: str, invitation_id: int, nonce: str) -> None:
    if not hmac.compare_digest(token.strip(), invitation_token(secret, invitation_id, nonce)):
        raise NotFound("This invitation link is not valid.")


def check_usable(state: InvitationState, expires_at: datetime, now: datetime) -> None:
    """Used, deleted and expired invitations all answer alike: not found."""
    if state is not InvitationState.PENDING or expires_at <= now:
        raise NotFound(
            "This invitation was used, withdrawn or has expired; ask the clinic for a new one."
        )


def check_code(expected: str | None, given: str | None, failed_so_far: int) -> None:
    """Raises VerificationFailed for a wrong code; the caller counts the failure."""
    if expected is None:
        return
    if given is None or not hmac.compare_digest(expected, given.strip()):
        left = MAX_CODE_ATTEMPTS - failed_so_far - 1
        if left <= 0:
            raise VerificationFailed("Wrong verification code; the invitation is now withdrawn.")
        raise VerificationFailed(
            Phrase("Wrong verification code; {left} attempts left.", left=left)
        )


def link_for(public_url: str, token: str) -> str:
    return f"{public_url}/invitation?token={token}"
