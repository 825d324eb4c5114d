"""The edge's pure pieces: which media type a client's Accept asks for, and which origins
CORS_ORIGINS allows."""

from __future__ import annotations

import pytest

from portal.http.media_types import GRAPHQL_RESPONSE, JSON, answer_type
from portal.settings import DEV_CORS_ORIGINS, cors_origins


@pytest.mark.parametrize(
    ("accept", "answered_in"),
    [
        (None, JSON),
        ("", JSON),
        ("application/json", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("text/html", JSON),  # neither offered: today's JSON rather than a 406
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/json;q=1, application/graphql-response+json;q=0.5", JSON),
        ("application/graphql-response+json;q=0, */*", JSON),
        ("APPLICATION/GRAPHQL-RESPONSE+JSON; charset=utf-8", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=nonsense, application/json", JSON),
        ("text/html, application/graphql-response+json;q=0.8, */*;q=0.5", GRAPHQL_RESPONSE),
        (",,;;", JSON),
    ],
)
def test_the_answer_comes_in_the_media_type_the_client_prefers(
    accept: str | None, answered_in: str
) -> None:
    assert answer_type(accept) == answered_in


def test_cors_origins_unset_take_the_default_and_set_empty_allow_none() -> None:
    assert cors_origins(None, default=DEV_CORS_ORIGINS) == DEV_CORS_ORIGINS
    assert cors_origins(None, default=()) == ()
    assert cors_origins("", default=DEV_CORS_ORIGINS) == ()
    assert cors_origins(" , ", default=DEV_CORS_ORIGINS) == ()


def test_cors_origins_are_written_as_browsers_send_them() -> None:
    assert cors_origins(
        " https://Portal.Example:443 , http://localhost:5173,https://app.example ", default=()
    ) == ("http://localhost:5173", "https://app.example", "https://portal.example")
    assert cors_origins("*", default=()) == ("*",)


@pytest.mark.parametrize("setting", ["https://portal.example/book", "portal.example", "null"])
def test_a_cors_origin_that_is_no_origin_stops_the_start(setting: str) -> None:
    with pytest.raises(SystemExit, match="CORS_ORIGINS"):
        cors_origins(setting, default=())
