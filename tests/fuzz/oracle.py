"""What the fuzzer holds every response to: data, or errors a client can act on.

A response passes when it is not a server error (HTTP 5xx) and each of its errors either
carries `extensions.code` (an expected outcome, told as an error) or has no `path` and no
data beside it (the operation was refused before it ran: a parse, validation or variable
error). A masked error ("Unexpected error.") never passes: it is a fault of the server.
"""

from __future__ import annotations

from typing import Any

MASKED = "Unexpected error."


def fault(status: int, body: Any) -> str | None:
    """Why the response shows a fault of the server, or None when it does not."""
    if status >= 500:
        return f"HTTP {status}"
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        return f"HTTP {status} without a GraphQL result: {str(body)[:200]}"
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            return f"an error that is not an object: {error!r}"
        message = error.get("message")
        if message == MASKED:
            return f"masked fault at {error.get('path')}"
        extensions = error.get("extensions") or {}
        if isinstance(extensions, dict) and extensions.get("code"):
            continue
        if "path" in error or body.get("data") is not None:
            return f"an uncoded error during execution at {error.get('path')}: {message}"
    return None
