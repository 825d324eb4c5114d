"""The catalogues: every phrase the code hands a person is in each language's catalogue,
each catalogue has the same entries, each translation keeps the values its phrase names;
the language a request gets; dates and waits as each language writes them."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.language import LANGUAGES, accepted_language, chosen_language
from domain.phrases import Phrase, Wait
from domain.throttling import TooManyAttempts
from domain.words import catalogue_path, translated, when
from portal.catalogues import PAGES, SERVER, Catalogues, extracted, read, word_files

pytestmark = pytest.mark.unit


def entries(language: str, catalogues: Catalogues = SERVER) -> dict[str, str]:
    return {m.id: m.string for m in read(catalogues, language) if m.id}  # type: ignore[misc]


def names(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("catalogues", [SERVER, PAGES], ids=["server", "pages"])
def test_every_phrase_in_the_code_is_in_every_catalogue_and_nothing_else(
    catalogues: Catalogues,
) -> None:
    in_code = {m.id for m in extracted(catalogues) if m.id}

    assert in_code
    for language in LANGUAGES:
        assert set(entries(language, catalogues)) == in_code, language


@pytest.mark.parametrize("catalogues", [SERVER, PAGES], ids=["server", "pages"])
def test_every_phrase_is_translated_keeping_its_values(catalogues: Catalogues) -> None:
    for language in LANGUAGES:
        if language == "en":
            continue
        for english, translation in entries(language, catalogues).items():
            assert translation, (language, english)
            assert names(translation) == names(english), (language, english)


def test_the_server_reads_the_catalogues_the_command_keeps() -> None:
    for language in LANGUAGES:
        assert SERVER.path(language) == catalogue_path(language)


def test_the_pages_read_the_words_their_catalogues_hold_now() -> None:
    for path, text in word_files().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is behind the catalogues: run portal catalogues"
        )


def test_the_pages_own_html_is_found_for_the_catalogues_and_scripts_are_not() -> None:
    found = {m.id for m in extracted(PAGES) if m.id}

    assert {"Book an appointment", "Staff live panel", "Who is the appointment for?"} <= found
    assert "Something went wrong: {problem}" in found
    assert not any("graphql" in phrase or "=>" in phrase for phrase in found)


def test_the_language_asked_for_is_the_best_weighted_one_the_clinic_speaks() -> None:
    assert accepted_language("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7") == "de"
    assert accepted_language("fr-FR, en;q=0.5, de;q=0.6") == "de"
    assert accepted_language("en;q=0, de;q=0.1") == "de"
    assert accepted_language("fr, it") is None
    assert accepted_language("*") is None
    assert accepted_language("de;q=abc, en") == "en"
    assert accepted_language("x" * 10_000) is None
    assert chosen_language(None, "de", "en") == "de"
    assert chosen_language(None, None, "xx") == "en"


def test_waits_and_nested_phrases_are_translated_too() -> None:
    refused = TooManyAttempts("holds from your network", 290)

    assert refused.message == "Too many holds from your network; try again in 5 minutes."
    assert (
        translated(refused.phrase, "de")
        == "Zu viele Reservierungen aus Ihrem Netz; versuchen Sie es in 5 Minuten erneut."
    )
    assert translated(Phrase("Not in any catalogue {n}", n=Wait(3)), "de") == (
        "Not in any catalogue 3 Sekunden"
    )


def test_a_visit_is_dated_as_each_language_writes_it_in_the_clinics_zone() -> None:
    start = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")

    assert when(start, berlin, "de") == "Mo., 7. Dez. 2026, 09:00"
    assert when(start, berlin, "en") == "Mon 7 Dec 2026, 09:00"
    assert when(start, ZoneInfo("Europe/London"), "en") == "Mon 7 Dec 2026, 08:00"
