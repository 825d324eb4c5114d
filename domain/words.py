"""Phrases in a language: the gettext catalogue of each language (`domain/locales`,
edited by translators as `.po` files, read with Babel), and dates, times and durations
as that language writes them (Babel's CLDR data), in the clinic's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta
from babel.messages.pofile import read_po

from domain.language import DEFAULT_LANGUAGE, LANGUAGES
from domain.phrases import N_, Phrase, Wait, phrase_of

LOCALES = Path(__file__).parent / "locales"
#: How a visit's date and time are written, as the catalogue's first entry says it per
#: language ("Mon 7 Dec 2026, 09:00"; "Mo., 7. Dez. 2026, 09:00").
# Translators: a CLDR date pattern (EEE weekday, d day, MMM month, y year, HH:mm time).
WHEN = N_("EEE d MMM y, HH:mm")
# Translators: a CLDR date pattern (EEEE weekday, d day, MMMM month, y year).
DAY = N_("EEEE d MMMM y")
# Translators: a CLDR time pattern.
CLOCK = N_("HH:mm")


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(language: str) -> dict[str, str]:
    """The language's translations by English template; untranslated ones left out."""
    if language not in LANGUAGES:
        return {}
    with catalogue_path(language).open("rb") as po:
        found = read_po(po, locale=language)
    return {m.id: m.string for m in found if m.id and m.string and not m.fuzzy}  # type: ignore[misc]


def translated(message: str | Phrase, language: str) -> str:
    """The phrase in `language` (English where its catalogue lacks it), values put in."""
    phrase = phrase_of(message)
    template = catalogue(language).get(phrase.template, phrase.template)
    if not phrase.values:
        return template
    values = {name: _value(value, language) for name, value in phrase.values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation naming a value wrongly
        return phrase.english()


def _value(value: object, language: str) -> object:
    if isinstance(value, Phrase):
        return translated(value, language)
    if isinstance(value, Wait):
        if language == DEFAULT_LANGUAGE:
            return value.english()
        return format_timedelta(timedelta(seconds=value.seconds), locale=language)
    return value


def when(instant: datetime, zone: ZoneInfo, language: str) -> str:
    """A date and time on the clinic's wall clock, as the reader's language writes it."""
    return _formatted(instant, zone, language, WHEN)


def day(instant: datetime, zone: ZoneInfo, language: str) -> str:
    return _formatted(instant, zone, language, DAY)


def clock(instant: datetime, zone: ZoneInfo, language: str) -> str:
    return _formatted(instant, zone, language, CLOCK)


def _formatted(instant: datetime, zone: ZoneInfo, language: str, pattern: str) -> str:
    local = instant.astimezone(zone)
    return format_datetime(local, translated(pattern, language), tzinfo=zone, locale=language)
