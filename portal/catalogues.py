"""The catalogues' source: every phrase the code hands to a person, found by Babel's
extractor where it is written, and the `.pot` template and each language's `.po` kept in
step with it (`portal catalogues`). Translators edit only the `.po` files.

Two catalogues per language: the server's (`domain/locales`: an error's message, a
`Phrase`, an email's words marked with `_`) and the example web pages' own
(`client-examples/web/locales`: the words of their HTML and every `t('…')` and
`N_('…')` in their scripts). The pages read theirs as JSON (`public/assets/words`),
written here from the `.po` files, since a browser reads no gettext."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from domain.language import LANGUAGES
from domain.words import LOCALES

ROOT = Path(__file__).resolve().parent.parent
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
WEB = ROOT / "client-examples" / "web"
#: The attributes of a page's HTML that a person reads (or hears, from a screen reader).
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


@dataclass(frozen=True)
class Catalogues:
    """One set of catalogues: where its phrases are written, how they are found, and
    where the template and each language's `.po` live."""

    sources: tuple[str, ...]
    method_map: tuple[tuple[str, str], ...]
    keywords: dict[str, tuple[int, ...] | None]
    template: Path
    domain: str
    options: dict[str, dict[str, Any]] | None = None

    def path(self, language: str) -> Path:
        return self.template.parent / language / "LC_MESSAGES" / f"{self.domain}.po"


SERVER = Catalogues(
    sources=("domain", "resolvers", "schema", "portal"),
    method_map=(("**.py", "python"),),
    keywords=KEYWORDS,
    template=LOCALES / "messages.pot",
    domain="messages",
)
PAGES = Catalogues(
    sources=("client-examples/web/src", "client-examples/web/public"),
    method_map=(
        ("**/assets/**", "ignore"),
        ("**.js", "javascript"),
        ("**.html", "portal.catalogues:extract_html"),
    ),
    keywords={"t": None, "N_": None},
    template=WEB / "locales" / "web.pot",
    domain="web",
    # `t(…)` inside a template literal's `${…}` too.
    options={"**.js": {"parse_template_string": True}},
)
WORDS = WEB / "public" / "assets" / "words"


def extracted(catalogues: Catalogues = SERVER) -> Catalog:
    """Every phrase in the sources, as a catalogue without translations."""
    found = Catalog(project="clinic-portal", fuzzy=False)
    for source in catalogues.sources:
        for filename, lineno, message, comments, _context in extract_from_dir(
            ROOT / source,
            method_map=list(catalogues.method_map),
            keywords=catalogues.keywords,
            options_map=catalogues.options,
            comment_tags=("Translators:",),
        ):
            if isinstance(message, str) and message.strip():
                found.add(
                    message, locations=[(f"{source}/{filename}", lineno)], auto_comments=comments
                )
    return found


def read(catalogues: Catalogues, language: str) -> Catalog:
    with catalogues.path(language).open("rb") as po:
        return read_po(po, locale=language)


def update() -> None:
    """Write each template and bring each language's catalogues up to it (new phrases
    untranslated, gone ones dropped); then the pages' words from their catalogues."""
    for catalogues in (SERVER, PAGES):
        template = extracted(catalogues)
        catalogues.template.parent.mkdir(parents=True, exist_ok=True)
        with catalogues.template.open("wb") as out:
            write_po(out, template, omit_header=True, sort_output=True, include_lineno=False)
        for language in LANGUAGES:
            path = catalogues.path(language)
            if path.exists():
                current = read(catalogues, language)
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
    write_words()


def words(language: str, catalogues: Catalogues = PAGES) -> dict[str, str]:
    """The pages' phrases (or the server's) in `language`, by English phrase: every
    phrase, in English where the catalogue has no translation yet."""
    return {
        str(m.id): str(m.string) if m.string and not m.fuzzy else str(m.id)
        for m in read(catalogues, language)
        if m.id
    }


def languages() -> list[dict[str, str]]:
    """The languages a page offers, each named in itself ("Deutsch")."""
    named = []
    for code in LANGUAGES:
        name = Locale.parse(code).get_display_name(code) or code
        named.append({"code": code, "name": name[:1].upper() + name[1:]})
    return named


def word_files() -> dict[Path, str]:
    """What `public/assets/words` holds: the list of languages, and each one's words."""
    files = {WORDS / "languages.json": _json(languages())}
    for language in LANGUAGES:
        files[WORDS / f"{language}.json"] = _json(words(language))
    return files


def write_words() -> None:
    WORDS.mkdir(parents=True, exist_ok=True)
    for path, text in word_files().items():
        path.write_text(text, encoding="utf-8")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ---------------------------------------------------------------- a page's HTML

_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Text as a browser shows it: runs of white space as one space, none at the ends."""
    return _SPACE.sub(" ", text).strip()


class _ReadText(HTMLParser):
    """The text of a page and its read attributes, with their lines; not scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and plain(value):
                self.found.append((self.getpos()[0], plain(value)))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and plain(data):
            self.found.append((self.getpos()[0], plain(data)))


def extract_html(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extraction method for a page's HTML: each piece of text a person reads."""
    reader = _ReadText()
    reader.feed(fileobj.read().decode("utf-8"))
    reader.close()
    for lineno, text in reader.found:
        yield lineno, None, text, []
