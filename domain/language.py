"""Which language a person reads: the ones the clinic's catalogues speak, and the
choice among them from what a browser asks (`Accept-Language`), the user's own setting
and the clinic's."""

from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.phrases import Phrase

#: Each has a catalogue in `domain/locales/<code>/LC_MESSAGES/messages.po`.
LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"
_RANGE = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*")
#: An Accept-Language header longer than this is read no further (a browser sends ~50).
MAX_HEADER = 500


def accepted_language(header: str | None) -> str | None:
    """The supported language the header prefers most (RFC 9110 weights; `de-AT` is
    `de`), or None when it names none of them."""
    best: tuple[float, int, str] | None = None
    for position, item in enumerate((header or "")[:MAX_HEADER].split(",")[:20]):
        matched = _RANGE.fullmatch(item)
        if not matched:
            continue
        code = matched[1].lower()
        try:
            weight = float(matched[2]) if matched[2] else 1.0
        except ValueError:
            continue
        if code in LANGUAGES and weight > 0:
            candidate = (-weight, position, code)
            best = candidate if best is None or candidate < best else best
    return best[2] if best else None


def chosen_language(*preferences: str | None) -> str:
    """The first supported preference, else the default."""
    return next((p for p in preferences if p in LANGUAGES), DEFAULT_LANGUAGE)


def check_language(code: str, field: str = "language") -> str:
    code = code.strip().lower()
    if code not in LANGUAGES:
        raise InvalidInput(
            Phrase(
                "Choose a language the clinic speaks: {languages}.", languages=", ".join(LANGUAGES)
            ),
            field,
        )
    return code
