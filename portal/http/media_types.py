"""GraphQL over HTTP's two media types: which one a request's Accept asks for, and which
results are request errors (nothing ran), which that media type answers with 400.

The Accept header is read by the few lines below: a q-value per media range, the most
specific range deciding. (Neither Starlette nor Strawberry parse Accept, and a library
for two media types is not worth a dependency.)
"""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLError

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

#: An operation that ran past its time limit ran: its answer is not a request error.
EXECUTED_CODES = frozenset({"TIMEOUT"})


def _media_ranges(accept: str) -> dict[str, float]:
    """Each media range of an Accept header with its quality (1 unless `q` says)."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))
    return ranges


def _quality(media_type: str, ranges: dict[str, float]) -> float:
    """How much the client wants `media_type`: the quality of the most specific range
    that matches it (`type/subtype`, then `type/*`, then `*/*`), else 0."""
    kind = media_type.split("/")[0]
    for candidate in (media_type, f"{kind}/*", "*/*"):
        if candidate in ranges:
            return ranges[candidate]
    return 0.0


@lru_cache(maxsize=256)
def answer_type(accept: str | None) -> str:
    """The media type to answer in: GRAPHQL_RESPONSE when the client prefers it (or names
    it as highly as application/json), else JSON, as for no Accept, `*/*` or anything
    else."""
    if not accept or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    spec, legacy = _quality(GRAPHQL_RESPONSE, ranges), _quality(JSON, ranges)
    if spec > legacy or (spec == legacy > 0 and GRAPHQL_RESPONSE in ranges):
        return GRAPHQL_RESPONSE
    return JSON


def is_request_error(data: object, errors: list[GraphQLError] | None) -> bool:
    """Nothing ran: no data, and every error is the request's (no error has a path, as
    parse, validation, variable and limit errors do not) rather than execution's."""
    return (
        data is None
        and bool(errors)
        and all(
            error.path is None and (error.extensions or {}).get("code") not in EXECUTED_CODES
            for error in errors or ()
        )
    )
