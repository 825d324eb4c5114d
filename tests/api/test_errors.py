"""What a client sees when something goes wrong, as the production server answers it:
unexpected faults are masked, expected outcomes and malformed operations are told, and
oversized operations are refused."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import delete

from persistence.models import ClinicRow
from portal.settings import Settings
from resolvers.deps import Deps
from schema.build import MAX_ALIASES, MAX_DEPTH
from tests import factories
from tests.api.test_availability_api import SLOTS
from tests.apps import client_of
from tests.support import GraphQL

MASKED = "Unexpected error."
CLINIC = "{ clinic { name timeZone } }"


async def remove_the_clinic_row(deps: Deps) -> None:
    """A broken database: every read of the clinic now fails with an internal error."""
    async with deps.database.writer() as session:
        await session.execute(delete(ClinicRow))
        await session.commit()


def slot_range(diary: factories.Diary, *, backwards: bool = False) -> dict[str, Any]:
    start = factories.slot_start(days=3)
    end = factories.slot_start(days=3, hour=12)
    if backwards:
        start, end = end, start
    return {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }


def nested_practitioners(depth: int) -> str:
    """An operation of that depth as the limiter counts it (the root fields are depth 0):
    practitioners { sessions { practitioner { sessions { ... } } } }."""
    fields = ["practitioners"] + ["sessions", "practitioner"] * depth
    # The innermost field is `practitioners` or `practitioner` at odd depths, else `sessions`.
    body = "name" if depth % 2 else "weekday"
    for field in reversed(fields[:depth]):
        body = f"{field} {{ {body} }}"
    return f"{{ {body} }}"


def aliased_clinics(count: int) -> str:
    return "{ " + " ".join(f"c{i}: clinic {{ name }}" for i in range(count)) + " }"


async def test_an_unexpected_fault_is_masked_in_production_and_logged(
    production_gql: GraphQL, deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    await remove_the_clinic_row(deps)

    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        body = await production_gql.raw(CLINIC)

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == MASKED
    assert error["path"] == ["clinic"]
    assert "clinic row" not in str(body)
    assert "LookupError" not in str(body)
    assert error["extensions"] == {"code": "INTERNAL"}
    (logged,) = [r for r in caplog.records if r.name == "portal.errors"]
    assert "clinic" in logged.getMessage()
    assert "LookupError" in logged.getMessage()
    assert logged.exc_info is None  # the traceback only at DEBUG level


async def test_the_development_server_masks_the_fault_too(gql: GraphQL, deps: Deps) -> None:
    await remove_the_clinic_row(deps)

    body = await gql.raw(CLINIC)

    (error,) = body["errors"]
    assert error["message"] == MASKED
    assert "clinic row" not in str(body)


async def test_an_expected_domain_error_keeps_its_message_and_code_in_production(
    production_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)

    body = await production_gql.raw(SLOTS, slot_range(diary, backwards=True))

    (error,) = body["errors"]
    assert error["message"] == "The end must come after the start."
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "to"}
    assert error["path"] == ["availableSlots"]


async def test_a_refusal_keeps_its_message_and_code_in_production(
    production_gql: GraphQL, deps: Deps
) -> None:
    patient = await factories.user(deps)

    body = await production_gql.raw("{ patients { name } }", token=patient.token)

    (error,) = body["errors"]
    assert error["message"] == "Only clinic staff may do this."
    assert error["extensions"] == {"code": "NOT_ALLOWED"}


async def test_problems_returned_as_data_are_untouched_in_production(
    production_gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)

    data = await production_gql(
        'mutation { createLocation(name: " ") { ... on InvalidInput { code message field } } }',
        token=desk.token,
    )

    assert data["createLocation"] == {
        "code": "INVALID_INPUT",
        "message": "name must not be empty.",
        "field": "name",
    }


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ clinic { name nonsense } }", {}),
        ("{ clinic { name }", {}),
        (SLOTS, {"p": "1", "s": "1", "from": "yesterday", "to": "2030-01-01T00:00:00+00:00"}),
        (
            '{ availableSlots(practitionerId: "1", serviceId: "1", from: "soon", to: "later") { openUntil } }',
            {},
        ),
        (SLOTS, {"p": "1", "s": "1"}),
    ],
    ids=["unknown-field", "syntax", "bad-variable", "bad-literal", "missing-variable"],
)
async def test_a_malformed_operation_is_told_not_masked_in_production(
    production_gql: GraphQL,
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any],
) -> None:
    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        body = await production_gql.raw(query, variables)

    assert body.get("data") is None
    assert body["errors"]
    assert all(error["message"] != MASKED for error in body["errors"]), body["errors"]
    # The client's mistake is not logged as a fault of the server.
    assert [r for r in caplog.records if r.name == "portal.errors"] == []


async def test_operations_deeper_than_the_limit_are_refused(settings: Settings, deps: Deps) -> None:
    await factories.online_practitioner(deps)

    # Ten levels through sessions multiply five lists, over the cost budget: lifted here,
    # where depth is what is checked.
    async with client_of(settings, environment="production", query_cost_budget=10**9) as api:
        deep_enough = await api.raw(nested_practitioners(MAX_DEPTH))
        too_deep = await api.raw(nested_practitioners(MAX_DEPTH + 1))
        much_too_deep = await api.raw(nested_practitioners(4 * MAX_DEPTH))

    assert "errors" not in deep_enough, deep_enough
    assert deep_enough["data"]["practitioners"]
    assert too_deep.get("data") is None
    (error,) = too_deep["errors"]
    assert "exceeds maximum operation depth" in error["message"]
    assert error["message"] != MASKED
    assert much_too_deep.get("data") is None
    assert much_too_deep["errors"]


async def test_more_aliases_than_the_limit_are_refused(production_gql: GraphQL) -> None:
    at_limit = await production_gql.raw(aliased_clinics(MAX_ALIASES))
    over_limit = await production_gql.raw(aliased_clinics(MAX_ALIASES + 1))

    assert "errors" not in at_limit, at_limit
    assert len(at_limit["data"]) == MAX_ALIASES
    assert over_limit.get("data") is None
    (error,) = over_limit["errors"]
    assert "aliases" in error["message"].lower()
    assert error["message"] != MASKED
