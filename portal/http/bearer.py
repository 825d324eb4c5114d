"""Sign-in state over HTTP, told honestly: no (or a blank) Authorization header is
anonymous; a
bearer token that is wrong, expired or revoked is answered 401, never quietly served
as anonymous (RFC 6750)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.middleware.http_limits import refusal
from resolvers.accounts.identity import Identity, bearer_token, identify
from resolvers.deps import Deps

UNAUTHENTICATED = "UNAUTHENTICATED"


class InvalidCredentials(Exception):
    """The request's Authorization header signs nobody in."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


async def identify_request(deps: Deps, header: str | None) -> tuple[str | None, Identity | None]:
    """The token and the user behind an Authorization header; (None, None) without one.
    Raises InvalidCredentials for a header that is not a bearer token or a token that
    is unknown, expired or revoked."""
    if header is None or not header.strip():
        return None, None
    token = bearer_token(header)
    if token is None:
        raise InvalidCredentials(
            "invalid_request", "The Authorization header must be 'Bearer <token>'."
        )
    identity = await identify(deps, token)
    if identity is None:
        raise InvalidCredentials(
            "invalid_token", "The token is unknown, expired or revoked; sign in again."
        )
    return token, identity


async def unauthenticated(request: Request, exc: Exception) -> Response:
    """Starlette's handler for InvalidCredentials: 401, a challenge, a coded error."""
    assert isinstance(exc, InvalidCredentials)
    response = refusal(401, UNAUTHENTICATED, exc.message, accept=request.headers.get("accept"))
    response.headers["www-authenticate"] = f'Bearer error="{exc.error}"'
    return response
