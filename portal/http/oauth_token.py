"""POST /oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), with
Authlib's `AuthorizationServer` and `ClientCredentialsGrant` doing the protocol.

Authlib is synchronous; the database is not. So the client a request names is read
(and the attempt counted) first, Authlib then runs in the password pool, where it checks
the secret with argon2 off the event loop, and the token it issued is stored afterwards.
Clients authenticate with HTTP Basic or with the form body; errors are RFC 6749's
(`invalid_client` 401, `invalid_scope`, `unsupported_grant_type`, `invalid_request`),
every answer carries `Cache-Control: no-store`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import extract_basic_authorization, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.errors import NotAllowed
from domain.scopes import SCOPES, SMART_ALIASES, asked_scopes, scope_text, scopes_of
from domain.throttling import TooManyAttempts
from resolvers.accounts.passwords import in_password_pool
from resolvers.clients.grant_token import (
    Attempt,
    Claimant,
    claimant,
    count_attempt,
    new_client_token,
    save_client_token,
)
from resolvers.deps import Deps

log = logging.getLogger(__name__)

#: A token request is a few short fields; anything longer is not one.
MAX_TOKEN_REQUEST_BYTES = 4096
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"


class PartnerClient(ClientMixin):
    """Authlib's view of a client: confidential, client-credentials only."""

    def __init__(self, claimant: Claimant) -> None:
        self.claimant = claimant

    def get_client_id(self) -> str:
        return self.claimant.client_id

    def get_allowed_scope(self, scope: str | None) -> str:
        asked = asked_scopes(scope) if scope else self.claimant.scopes
        return scope_text(asked & self.claimant.scopes)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.claimant.check_secret(client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == ClientCredentialsGrant.GRANT_TYPE


class ScopedClientCredentials(ClientCredentialsGrant):
    """`scope` may narrow the client's scopes, never widen them (else `invalid_scope`)."""

    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        asked = self.request.payload.scope
        if asked is None:
            return
        wanted = asked_scopes(" ".join(scope_to_list(asked) or []))
        if not wanted or not wanted <= self.request.client.claimant.scopes:
            raise InvalidScopeError()


class TokenServer(AuthorizationServer):
    """One request's server: it knows only the client that request named."""

    def __init__(self, client: PartnerClient | None, lifetime_seconds: int) -> None:
        super().__init__(scopes_supported=[*SCOPES, *SMART_ALIASES])
        self._client = client
        self.issued: dict[str, Any] | None = None
        self.register_grant(ScopedClientCredentials)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: new_client_token(),
                expires_generator=lambda *_: lifetime_seconds,
            ),
        )

    def query_client(self, client_id: str) -> PartnerClient | None:
        if self._client is not None and self._client.get_client_id() == client_id:
            return self._client
        return None

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.issued = token

    def handle_response(
        self, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
    ) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Authlib's hook for frameworks' signals: none here."""


class FormRequest(OAuth2Request):
    def __init__(self, uri: str, form: dict[str, str], headers: Headers) -> None:
        super().__init__("POST", uri, headers=headers)
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


async def token_endpoint(request: Request) -> Response:
    deps: Deps = request.app.state.deps
    try:
        form = await _form(request)
        # Authlib insists on https; TLS ends at the proxy in front, as for every route.
        oauth_request = FormRequest(str(request.url.replace(scheme="https")), form, request.headers)
        named = _named_client(oauth_request)
    except OAuth2Error as error:
        return _answer(*error())
    client = attempt = None
    if named is not None:
        address = request.client.host if request.client else None
        try:
            attempt = await count_attempt(deps, named, address)
        except TooManyAttempts as refused:
            return _too_many(refused)
        found = await claimant(deps, named)
        client = PartnerClient(found) if found else None
    server = TokenServer(client, deps.settings.client_token_seconds)
    status, body, answer_headers = await in_password_pool(
        server.create_token_response, oauth_request
    )
    if status == 200 and server.issued is not None and client is not None and attempt:
        return await _saved(deps, client.claimant, server.issued, attempt, answer_headers)
    return _answer(status, body, answer_headers)


async def _form(request: Request) -> dict[str, str]:
    """The form body, small and well formed, each field once; else invalid_request."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise InvalidRequestError(f"Send the parameters as {FORM}.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_TOKEN_REQUEST_BYTES:
            raise InvalidRequestError("The request is too large.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), strict_parsing=bool(body), max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequestError("The body is not a valid form.") from None
    form = dict(pairs)
    if len(form) != len(pairs):
        raise InvalidRequestError("Each parameter may be given once.")
    if any("\x00" in text for pair in pairs for text in pair):
        raise InvalidRequestError("The body is not a valid form.")
    return form


def _named_client(request: FormRequest) -> str | None:
    """The client id the request claims, by HTTP Basic or in the form; a Basic header
    that is not UTF-8 is invalid_client (Authlib would fail on it)."""
    try:
        basic_id, _secret = extract_basic_authorization(request.headers)
    except UnicodeDecodeError:
        raise InvalidClientError(status_code=401) from None
    return basic_id or request.form.get("client_id") or None


async def _saved(
    deps: Deps,
    client: Claimant,
    token: dict[str, Any],
    attempt: Attempt,
    headers: list[tuple[str, str]],
) -> Response:
    scopes = scopes_of(token.get("scope"))
    try:
        await save_client_token(deps, client, token["access_token"], scopes, attempt)
    except NotAllowed:
        return _answer(401, {"error": "invalid_client"}, [])
    return _answer(200, token, headers)


def _too_many(refused: TooManyAttempts) -> Response:
    body = {"error": "too_many_requests", "error_description": refused.message}
    return _answer(429, body, [("Retry-After", str(refused.retry_after_seconds))])


def _answer(status: int, body: dict[str, Any], headers: list[tuple[str, str]]) -> Response:
    response = JSONResponse(body, status_code=status)
    for name, value in headers:
        if name.lower() != "content-type":
            response.headers[name] = value
    response.headers.update(NO_STORE)
    return response
