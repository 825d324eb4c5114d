"""The catalogues' source: every phrase the code hands to a person, found by Babel's
extractor where it is written (an error's message, a `Phrase`, an email's words marked
with `_`), and the `.pot` template and each language's `.po` kept in step with it
(`portal catalogues`). Translators edit only the `.po` files."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from domain.language import LANGUAGES
from domain.words import LOCALES, catalogue_path

ROOT = Path(__file__).resolve().parent.parent
#: Where phrases are written.
SOURCES = ("domain", "resolvers", "schema", "portal")
#: The calls whose argument (1-based position) is a phrase a person reads.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "Phrase": None,
    "NotFound": None,
    "NotAllowed": None,
    "InvalidInput": None,
    "SlotUnavailable": None,
    "HoldExpired": None,
    "ConsentMissing": None,
    "InvitationStale": None,
    "VerificationFailed": None,
    "PatientChoiceRequired": None,
    "TooLateToChange": None,
    "TooManyAttempts": None,
    "found": (2,),
    "Budget": (2,),
}
TEMPLATE = LOCALES / "messages.pot"


def extracted() -> Catalog:
    """Every phrase in the code, as a catalogue without translations."""
    found = Catalog(project="clinic-portal", fuzzy=False)
    for source in SOURCES:
        for filename, lineno, message, comments, _context in extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
        ):
            if isinstance(message, str) and message.strip():
                found.add(
                    message, locations=[(f"{source}/{filename}", lineno)], auto_comments=comments
                )
    return found


def update() -> None:
    """Write the template and bring each language's catalogue up to it (new phrases
    untranslated, gone ones dropped)."""
    template = extracted()
    with TEMPLATE.open("wb") as out:
        write_po(out, template, omit_header=True, sort_output=True, include_lineno=False)
    for language in LANGUAGES:
        path = catalogue_path(language)
        if path.exists():
            with path.open("rb") as po:
                current = read_po(po, locale=language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            current = Catalog(locale=language)
        current.update(template, no_fuzzy_matching=True)
        with path.open("wb") as out:
            write_po(
                out,
                current,
                omit_header=True,
                sort_output=True,
                include_lineno=False,
                ignore_obsolete=True,
            )
