"""Search parameters and searchset Bundles, paged by id (`_count` at most 100, the next
page from after the last id, as the GraphQL connections page)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from portal.fhir.answers import FhirProblem, outcome

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_IDS = 100
#: Parameters every search here understands.
COMMON = frozenset({"_id", "_count", "_cursor", "_format"})
#: Our ids: a number, or numbers joined by `-` (a Schedule's, a Slot's).
_ID = re.compile(r"\d{1,18}(-\d{1,18}){0,3}")
#: A cursor: a keyset key (digits and `-`) or a GraphQL connection's cursor (base64url).
_CURSOR = re.compile(r"[A-Za-z0-9_=-]{1,400}")


@dataclass(frozen=True)
class Search:
    count: int
    #: Where the page before ended (`_cursor`: its last entry's key), or None.
    after: str | None
    ids: frozenset[str] | None
    #: What was not done as asked (a `_count` lowered, parameters ignored), told in the
    #: Bundle as an OperationOutcome entry.
    warnings: tuple[str, ...]
    #: The parameters understood, for the Bundle's links.
    understood: tuple[tuple[str, str], ...]


def parse_search(
    params: QueryParams, *, strict: bool, own: frozenset[str] = frozenset(), ids: bool = True
) -> Search:
    """Read `_id` (unless the type is searched without it), `_count` and `_cursor`;
    `own` are the resource type's parameters, read by its route. Anything else is ignored
    with a warning, or, with `Prefer: handling=strict`, refused."""
    known = COMMON | own if ids else (COMMON - {"_id"}) | own
    unknown = sorted(set(params.keys()) - known)
    if unknown and strict:
        raise FhirProblem(400, "not-supported", f"Unknown search parameters: {_names(unknown)}.")
    for name in COMMON & known:
        if len(params.getlist(name)) > 1:
            raise FhirProblem(400, "invalid", f"{name} may be given once.")
    warnings = [f"Ignored unknown search parameters: {_names(unknown)}."] if unknown else []
    count = _count(params.get("_count"), warnings)
    after = _cursor(params["_cursor"]) if "_cursor" in params else None
    named = _ids(params["_id"]) if ids and "_id" in params else None
    understood = [(k, v) for k, v in params.multi_items() if k in known - COMMON or k == "_id"]
    return Search(count, after, named, tuple(warnings), tuple(understood))


def _names(names: list[str]) -> str:
    shown = ", ".join(name[:40] for name in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _count(text: str | None, warnings: list[str]) -> int:
    if text is None:
        return DEFAULT_COUNT
    if not text.isdigit() or len(text) > 9:
        raise FhirProblem(400, "invalid", "_count must be a whole number from 0 to 100.")
    count = int(text)
    if count > MAX_COUNT:
        warnings.append(f"_count lowered to {MAX_COUNT}, the most one page holds.")
        return MAX_COUNT
    return count


def _cursor(text: str) -> str:
    if not _CURSOR.fullmatch(text):
        raise FhirProblem(400, "invalid", "_cursor must be one this server gave in a link.")
    return text


def _ids(text: str) -> frozenset[str]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > MAX_IDS:
        raise FhirProblem(400, "too-costly", f"_id may name at most {MAX_IDS} ids.")
    if not all(_ID.fullmatch(part) for part in parts):
        raise FhirProblem(400, "invalid", "_id must name ids this server gave.")
    return frozenset(parts)


def by_id(resource: dict[str, Any]) -> str:
    """The order of resources with numeric ids, as a cursor compares it."""
    return f"{int(resource['id']):018d}"


def searchset(
    base: str,
    kind: str,
    resources: Sequence[dict[str, Any]],
    search: Search,
    key: Callable[[dict[str, Any]], str] = by_id,
) -> dict[str, Any]:
    """A searchset Bundle of the page `search` asks for, of `resources` (in `key` order)."""
    matching = [r for r in resources if search.ids is None or r["id"] in search.ids]
    rest = [r for r in matching if search.after is None or key(r) > search.after]
    page = rest[: search.count]
    more = len(rest) > len(page) and bool(page)
    return bundle(base, kind, page, len(matching), search, key(page[-1]) if more else None)


def bundle(
    base: str,
    kind: str,
    page: Sequence[dict[str, Any]],
    total: int,
    search: Search,
    next_after: str | None,
    included: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The searchset Bundle of one page: its matches, what was `included` with them, an
    OperationOutcome entry for what was not done as asked, and the self and next links."""
    entries: list[dict[str, Any]] = [
        {"fullUrl": f"{base}/{kind}/{r['id']}", "resource": r, "search": {"mode": "match"}}
        for r in page
    ]
    entries += included
    if search.warnings:
        entries.append(
            {
                "resource": outcome("informational", " ".join(search.warnings), "warning"),
                "search": {"mode": "outcome"},
            }
        )
    links = [{"relation": "self", "url": _url(base, kind, search, search.after)}]
    if next_after is not None:
        links.append({"relation": "next", "url": _url(base, kind, search, next_after)})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    }


def _url(base: str, kind: str, search: Search, after: str | None) -> str:
    params = [*search.understood, ("_count", str(search.count))]
    if after is not None:
        params.append(("_cursor", after))
    return f"{base}/{kind}?{urlencode(params)}"
