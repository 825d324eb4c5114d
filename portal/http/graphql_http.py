"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) on Strawberry's
ASGI view, through its own hooks.

A client that asks for `application/graphql-response+json` gets it, and with it the
specification's status codes: a request that could not run (a parse, validation or
variable error, or a limit refusing it before execution) is answered 400 with no `data`
entry; one that ran is answered 200, errors or not. A client that asks for
`application/json`, or sends no Accept, gets today's answers: always 200, with
`"data": null` when nothing ran. Requests the view refuses itself are answered in the
shape of a GraphQL response too, and a mutation over GET is a 405.
"""

from __future__ import annotations

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from portal.http.media_types import GRAPHQL_RESPONSE, JSON, answer_type, is_request_error
from portal.middleware.http_limits import refusal
from schema.core.context import Context

#: Codes for the requests Strawberry's view refuses itself.
REFUSAL_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class NegotiatedResponse(Response):
    """Strawberry's per-request response (the status and headers resolvers may set),
    carrying the media type the request's Accept asked for."""

    def __init__(self, media_type: str) -> None:
        super().__init__()
        self.answer_type = media_type
        self.status_code = None  # type: ignore[assignment]  # unset, as Strawberry's
        del self.headers["content-length"]


class GraphQLOverHTTP(GraphQL[Context, None]):
    """Strawberry's ASGI view answering in the media type the request asks for."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, but a request it refuses (a body that is not JSON, no query,
        a mutation over GET, …) is answered in the shape of a GraphQL response, as every
        other refusal is, rather than in plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = refusal(
                error.status_code,
                REFUSAL_CODES.get(error.status_code, "BAD_REQUEST"),
                error.reason,
                accept=request.headers.get("accept"),
            )
            if error.status_code == 405:  # a mutation over GET (the route takes GET, POST)
                response.headers["allow"] = "POST"
        await response(scope, receive, send)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """As Strawberry's, but a mutation sent with GET is a 405 (Method Not Allowed), as
        GraphQL over HTTP says, rather than Strawberry's 400."""
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, error.reason) from error.__cause__
            raise

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        return NegotiatedResponse(answer_type(request.headers.get("accept")))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """An answer to a request that could not run has no `data` entry when the client
        reads GraphQL over HTTP's own media type."""
        answer = await super().process_result(request, result)
        if answer_type(request.headers.get("accept")) == GRAPHQL_RESPONSE and is_request_error(
            result.data, result.errors
        ):
            answer.pop("data", None)
        return answer

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """In the negotiated media type; with application/graphql-response+json, 400 for
        a request that could not run (no `data`), else 200."""
        response = super().create_response(response_data, sub_response)
        media_type = getattr(sub_response, "answer_type", JSON)
        if media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = GRAPHQL_RESPONSE
            ran = not isinstance(response_data, dict) or "data" in response_data
            if not ran and not sub_response.status_code:
                response.status_code = 400
        return response
