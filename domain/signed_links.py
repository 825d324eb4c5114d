"""Single-use links signed with the server secret: `<id>.<mac>`.

mac = HMAC-SHA256(secret, purpose:id:nonce). The database keeps the nonce (cleared once
the link is used) but never the token, so a copy of it yields no usable link, and a
link made for one purpose never works for another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from domain.errors import NotFound
from domain.phrases import N_

INVALID = N_("This link is not valid, was used already or has expired.")
MAX_ID_DIGITS = 10


def new_nonce() -> str:
    return secrets.token_hex(16)


def _mac(secret: str, purpose: str, subject_id: int, nonce: str) -> str:
    message = f"{purpose}:{subject_id}:{nonce}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(secret: str, purpose: str, subject_id: int, nonce: str) -> str:
    return f"{subject_id}.{_mac(secret, purpose, subject_id, nonce)}"


def subject_of(token: str, invalid: str = INVALID) -> int:
    """The id a token names (not yet proof that it is genuine)."""
    head, _, mac = token.strip().partition(".")
    if not (head.isascii() and head.isdigit()) or not mac or len(head) > MAX_ID_DIGITS:
        raise NotFound(invalid)
    return int(head)


def check(
    secret: str,
    purpose: str,
    token: str,
    subject_id: int,
    nonce: str | None,
    invalid: str = INVALID,
) -> None:
    """NotFound(invalid) unless the token is the one signed for this id, purpose and nonce."""
    if nonce is None or not hmac.compare_digest(
        token.strip(), sign(secret, purpose, subject_id, nonce)
    ):
        raise NotFound(invalid)
