"""The FHIR endpoint's routes: `metadata`, and read and search of each resource type
served, through the same use cases (and so the same policy and scopes) as GraphQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from domain.actors import Actor
from domain.errors import (
    DomainError,
    HoldExpired,
    InvalidInput,
    NotAllowed,
    NotFound,
    SlotUnavailable,
)
from domain.throttling import TooManyAttempts
from portal.fhir import resources
from portal.fhir.answers import FhirProblem, Unauthenticated, fhir_json, refused
from portal.fhir.appointments import read_appointment, search_appointments
from portal.fhir.booking import book, book_request, hold_for, hold_request
from portal.fhir.budget import DIRECTORY_COST, SLOT_DAY_COST, OverFhirBudget, charge
from portal.fhir.capability import capability_statement
from portal.fhir.find import find, find_request, matching_schedules
from portal.fhir.publish import FILES, SNAPSHOT_SECONDS, Publisher, manifest, since_of
from portal.fhir.search import by_id, parse_search, searchset
from portal.fhir.slots import (
    SLOT_PARAMETERS,
    by_start,
    schedule_resources,
    slot_by_id,
    slot_search,
    slots_of,
)
from portal.fhir.slots import by_id as schedule_order
from portal.http.bearer import InvalidCredentials, identify_request
from portal.settings import settings_of
from resolvers.booking.schedules import online_schedules
from resolvers.deps import Deps
from resolvers.setup.read_setup import locations, practitioners, services_offered

PREFIX = "/fhir/R4"
NDJSON = "application/fhir+ndjson"
#: Published free times: anyone may cache them as long as a snapshot serves.
PUBLISHED = {"cache-control": f"public, max-age={SNAPSHOT_SECONDS}"}
FILE_KINDS = {name: kind for kind, name in FILES.items()}
Lister = Callable[[Deps, Actor | None], Awaitable[Sequence[dict[str, Any]]]]


async def _practitioners(deps: Deps, actor: Actor | None) -> Sequence[dict[str, Any]]:
    rows = await practitioners(deps, actor, online_only=True)
    return [resources.practitioner(row) for row in sorted(rows, key=lambda r: r.id)]


async def _locations(deps: Deps, actor: Actor | None) -> Sequence[dict[str, Any]]:
    rows = await locations(deps, actor)
    return [resources.location(row) for row in sorted(rows, key=lambda r: r.id)]


async def _services(deps: Deps, actor: Actor | None) -> Sequence[dict[str, Any]]:
    public_url = settings_of(deps).public_url
    rows = await services_offered(deps, actor)
    return [
        resources.healthcare_service(row, public_url) for row in sorted(rows, key=lambda r: r.id)
    ]


async def _schedules(deps: Deps, actor: Actor | None) -> Sequence[dict[str, Any]]:
    found = await online_schedules(deps, actor)
    return sorted(schedule_resources(found, settings_of(deps).public_url), key=schedule_order)


LISTS: dict[str, Lister] = {
    "Practitioner": _practitioners,
    "Location": _locations,
    "HealthcareService": _services,
    "Schedule": _schedules,
}
ORDERS = {"Schedule": schedule_order}


def fhir_routes(deps: Deps) -> list[BaseRoute]:
    base = f"{settings_of(deps).public_url}{PREFIX}"

    async def metadata(_request: Request) -> Response:
        token_url = f"{settings_of(deps).public_url}/oauth/token"
        return fhir_json(capability_statement(base, token_url, deps.now().date()))

    async def search(request: Request) -> Response:
        kind = request.path_params["kind"]
        strict = "handling=strict" in request.headers.get("prefer", "").replace(" ", "")

        async def answer() -> Response:
            if kind == "Appointment":
                person = _signed_in(await _actor(deps, request))
                await charge(deps, person, _address(request), DIRECTORY_COST)
                public_url = settings_of(deps).public_url
                return fhir_json(
                    await search_appointments(
                        deps, person, request.query_params, base, public_url, strict=strict
                    )
                )
            if kind == "Slot":
                actor = await _actor(deps, request)
                asked = parse_search(request.query_params, strict=strict, own=SLOT_PARAMETERS)
                window = await slot_search(deps, actor, request.query_params)
                days = max(1, (window.end - window.start).days + 1)
                await charge(deps, actor, _address(request), SLOT_DAY_COST * days)
                slots = await slots_of(deps, actor, window)
                return fhir_json(searchset(base, kind, slots, asked, key=by_start))
            listed = await _listed(deps, request, kind)
            asked = parse_search(request.query_params, strict=strict)
            return fhir_json(searchset(base, kind, listed, asked, key=ORDERS.get(kind, by_id)))

        return await _answered(answer)

    async def read(request: Request) -> Response:
        kind, wanted = request.path_params["kind"], request.path_params["id"]

        async def answer() -> Response:
            if kind == "Appointment":
                person = _signed_in(await _actor(deps, request))
                await charge(deps, person, _address(request), DIRECTORY_COST)
                public_url = settings_of(deps).public_url
                return fhir_json(await read_appointment(deps, person, wanted, public_url))
            if kind == "Slot":
                actor = await _actor(deps, request)
                await charge(deps, actor, _address(request), SLOT_DAY_COST)
                found = await slot_by_id(deps, actor, wanted)
                if found is None:
                    raise FhirProblem(404, "not-found", f"No free Slot {wanted[:60]!r}.")
                return fhir_json(found)
            listed = await _listed(deps, request, kind)
            for resource in listed:
                if resource["id"] == wanted:
                    return fhir_json(resource)
            raise FhirProblem(404, "not-found", f"No {kind} with id {wanted[:40]!r}.")

        return await _answered(answer)

    async def find_times(request: Request) -> Response:
        async def answer() -> Response:
            actor = await _actor(deps, request)
            asked = await find_request(deps, actor, await request.body())
            schedules = await matching_schedules(deps, actor, asked)
            cost = SLOT_DAY_COST * asked.days * max(1, len(schedules))
            await charge(deps, actor, _address(request), cost)
            found = await find(deps, actor, asked, schedules)
            return fhir_json(
                {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "total": len(found),
                    "entry": [{"resource": a, "search": {"mode": "match"}} for a in found],
                }
            )

        return await _answered(answer)

    async def hold_time(request: Request) -> Response:
        async def answer() -> Response:
            person = _signed_in(await _actor(deps, request))
            asked = hold_request(await request.body())
            await charge(deps, person, _address(request), DIRECTORY_COST)
            public_url = settings_of(deps).public_url
            held = await hold_for(deps, person, asked, _address(request), public_url)
            return fhir_json(held, 201, location=f"{base}/Appointment/{held['id']}")

        return await _answered(answer, invalid=UNPROCESSABLE)

    async def book_time(request: Request) -> Response:
        async def answer() -> Response:
            person = _signed_in(await _actor(deps, request))
            asked = book_request(await request.body())
            await charge(deps, person, _address(request), DIRECTORY_COST)
            return fhir_json(await book(deps, person, asked, settings_of(deps).public_url))

        return await _answered(answer, invalid=UNPROCESSABLE)

    publisher = Publisher(deps, settings_of(deps).public_url)

    async def bulk_manifest(request: Request) -> Response:
        async def answer() -> Response:
            await charge(deps, None, _address(request), DIRECTORY_COST)
            since = since_of(request.query_params.get("_since"))
            snapshot = await publisher.snapshot()
            return JSONResponse(manifest(snapshot, base, since), headers=PUBLISHED)

        return await _answered(answer)

    async def bulk_file(request: Request) -> Response:
        async def answer() -> Response:
            kind = FILE_KINDS.get(request.path_params["name"])
            if kind is None:
                raise FhirProblem(404, "not-found", "No such file; the manifest names each.")
            await charge(deps, None, _address(request), DIRECTORY_COST)
            snapshot = await publisher.snapshot()
            return Response(snapshot.files[kind], media_type=NDJSON, headers=PUBLISHED)

        return await _answered(answer)

    return [
        Route(f"{PREFIX}/$bulk-publish", bulk_manifest, methods=["GET"]),
        Route(f"{PREFIX}/$bulk-publish/{{name}}", bulk_file, methods=["GET"]),
        Route(f"{PREFIX}/Appointment/$find", find_times, methods=["POST"]),
        Route(f"{PREFIX}/Appointment/$hold", hold_time, methods=["POST"]),
        Route(f"{PREFIX}/Appointment/$book", book_time, methods=["POST"]),
        Route(f"{PREFIX}/metadata", metadata, methods=["GET"]),
        Route(f"{PREFIX}/{{kind}}", search, methods=["GET"]),
        Route(f"{PREFIX}/{{kind}}/{{id}}", read, methods=["GET"]),
        # Anything else under the prefix is told so as FHIR, not as a bare 404 or 405.
        Route(f"{PREFIX}/{{rest:path}}", not_served, methods=list(METHODS)),
        Route(PREFIX, not_served, methods=list(METHODS)),
    ]


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


async def not_served(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        return refused(FhirProblem(404, "not-supported", "Nothing is served at this path."))
    return refused(
        FhirProblem(405, "not-supported", f"{request.method} is not served here yet."),
        allow="GET",
    )


async def _listed(deps: Deps, request: Request, kind: str) -> Sequence[dict[str, Any]]:
    lister = LISTS.get(kind)
    if lister is None:
        raise FhirProblem(404, "not-supported", f"This server serves no {kind[:40]!r} resources.")
    actor = await _actor(deps, request)
    await charge(deps, actor, _address(request), DIRECTORY_COST)
    return await lister(deps, actor)


def _signed_in(actor: Actor | None) -> Actor:
    """Visits are for those signed in: without a token, 401 (with the challenge)."""
    if actor is None:
        raise Unauthenticated(
            "Send a bearer token: a signed-in user's or an API client's.", invalid_token=False
        )
    return actor


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _actor(deps: Deps, request: Request) -> Actor | None:
    try:
        _token, identity = await identify_request(deps, request.headers.get("authorization"))
    except InvalidCredentials as error:
        raise Unauthenticated(error.message, invalid_token=True) from None
    return identity.actor if identity else None


_STATUS: dict[type[DomainError], tuple[int, str]] = {
    NotAllowed: (403, "forbidden"),
    SlotUnavailable: (409, "conflict"),
    HoldExpired: (409, "conflict"),
    NotFound: (404, "not-found"),
}


#: A well-formed operation the rules refuse (a time not online, a hold not a hold).
UNPROCESSABLE = (422, "business-rule")


async def _answered(
    answer: Callable[[], Awaitable[Response]], *, invalid: tuple[int, str] = (400, "invalid")
) -> Response:
    """The answer, or the OperationOutcome of what refused it; InvalidInput from the
    rules answers `invalid` (a search's 400; an operation's 422)."""
    try:
        return await answer()
    except OverFhirBudget as over:
        return refused(over, **{"retry-after": str(over.retry_after_seconds)})
    except Unauthenticated as problem:
        return refused(problem, **{"www-authenticate": problem.challenge})
    except FhirProblem as problem:
        return refused(problem)
    except InvalidInput as error:
        return refused(FhirProblem(*invalid, error.message))
    except TooManyAttempts as error:
        throttled = FhirProblem(429, "throttled", error.message)
        return refused(throttled, **{"retry-after": str(error.retry_after_seconds)})
    except DomainError as error:
        status, code = next(
            (found for cls, found in _STATUS.items() if isinstance(error, cls)), (400, "processing")
        )
        return refused(FhirProblem(status, code, error.message))
