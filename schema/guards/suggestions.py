"""No "Did you mean …?" in production: graphql-core suggests names of fields, arguments,
types and enum values close to a misspelt one, which lists the schema to a guesser."""

from __future__ import annotations

import re

from graphql import GraphQLError

_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


def without_suggestions(error: GraphQLError) -> None:
    """Drop the suggestion from an error's message, whatever it suggests."""
    error.message = _SUGGESTION.sub("", error.message)
