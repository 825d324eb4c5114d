"""The input guard's walk over an operation, on the served schema and no database: which
root fields it refuses, naming which argument or input field, and how each is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLSchema, GraphQLString, parse

from domain.errors import InvalidInput
from schema.build import build_schema
from schema.core.scalars import serialize_date_time
from schema.guards.input_guard import Refusal, check_value, refusals

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(production=True)._schema


def refused(
    schema: GraphQLSchema, document: str, variables: dict[str, Any] | None = None
) -> list[tuple[str, str | None, bool]]:
    found: list[Refusal] = refusals(schema, parse(document), None, variables, NOW)
    return [(r.key, r.problem.field, r.as_data) for r in found]


def test_a_clean_operation_is_left_alone(schema: GraphQLSchema) -> None:
    document = 'mutation { createLocation(name: "Riverside\u00a0Practice") { __typename } }'
    assert refused(schema, document) == []


def test_a_mutation_that_can_answer_invalid_input_does_so(schema: GraphQLSchema) -> None:
    document = 'mutation { createLocation(name: "a\\u0000") { __typename } }'
    assert refused(schema, document) == [("createLocation", "name", True)]


def test_a_query_is_refused_as_an_error(schema: GraphQLSchema) -> None:
    document = "query ($s: String) { patients(search: $s) { name } }"
    assert refused(schema, document, {"s": "\x1b[2J"}) == [("patients", "search", False)]


def test_input_objects_name_their_field(schema: GraphQLSchema) -> None:
    document = """
    mutation ($input: PatientInput!) { updatePatient(patientId: "1", input: $input) { __typename } }
    """
    found = refused(schema, document, {"input": {"email": "a@b.de", "phone": "1\u2029"}})
    assert found == [("updatePatient", "phone", True)]


def test_aliases_and_fragments_are_followed(schema: GraphQLSchema) -> None:
    document = """
    mutation ($bad: String!) {
      fine: createLocation(name: "Centre") { __typename }
      ... on Mutation { first: createLocation(name: $bad) { __typename } }
      ...More
    }
    fragment More on Mutation { second: createService(name: $bad, durationMinutes: 30) { __typename } }
    """
    found = refused(schema, document, {"bad": "\x00"})
    assert found == [("first", "name", True), ("second", "name", True)]


def test_birth_dates_in_arguments_and_inputs_must_not_be_in_the_future(
    schema: GraphQLSchema,
) -> None:
    register = """
    mutation ($d: Date) { register(email: "a@b.de", password: "p", name: "A", birthDate: $d) { __typename } }
    """
    create = """
    mutation ($i: PatientInput!) { createPatient(input: $i) { __typename } }
    """
    assert refused(schema, register, {"d": "2030-06-03"}) == [("register", "birthDate", True)]
    assert refused(schema, register, {"d": "2030-06-02"}) == []
    assert refused(schema, create, {"i": {"name": "M", "birthDate": "2031-01-01"}}) == [
        ("createPatient", "birthDate", True)
    ]


def test_other_dates_are_bounded_by_year_only(schema: GraphQLSchema) -> None:
    document = """
    mutation ($d: Date) { updateSessionSeries(sessionSeriesId: "1", validUntil: $d) { __typename } }
    """
    assert refused(schema, document, {"d": "2199-12-31"}) == []
    assert refused(schema, document, {"d": "9999-12-31"}) == [
        ("updateSessionSeries", "validUntil", True)
    ]


def test_subscription_arguments_are_checked(schema: GraphQLSchema) -> None:
    document = """
    subscription { slotChanges(practitionerId: "1", from: "2030-01-01T00:00:00", to: "2030-01-02T00:00:00Z") { start } }
    """
    assert refused(schema, document) == [("slotChanges", "from", False)]


def test_variables_that_do_not_coerce_are_left_to_execution(schema: GraphQLSchema) -> None:
    document = "query ($s: String) { patients(search: $s) { name } }"
    assert refused(schema, document, {"s": 12}) == []


def test_introspection_arguments_reach_no_use_case(schema: GraphQLSchema) -> None:
    assert refused(schema, '{ __type(name: "a\\u0000") { name } }') == []


def test_every_item_of_a_list_is_checked() -> None:
    strings = GraphQLList(GraphQLNonNull(GraphQLString))
    check_value(["a", "b"], strings, "tags", NOW)
    with pytest.raises(InvalidInput) as refused_item:
        check_value(["a", "b\x00"], strings, "tags", NOW)
    assert refused_item.value.field == "tags"


def test_a_date_time_is_shown_in_whole_seconds_with_its_offset() -> None:
    shown = datetime(2030, 6, 1, 11, 12, 33, 959890, tzinfo=timezone(timedelta(hours=2)))

    assert serialize_date_time(shown) == "2030-06-01T11:12:33+02:00"


def test_a_date_time_without_an_offset_is_never_shown() -> None:
    with pytest.raises(TypeError):
        serialize_date_time(datetime(2030, 6, 1, 11, 12, 33))
