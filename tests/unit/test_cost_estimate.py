"""The query cost estimate, from documents and variables alone: no database, no server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from graphql import GraphQLSchema, get_introspection_query, parse

from domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.build import build_schema
from schema.guards.cost import (
    DEFAULT_BUDGET,
    DEFAULT_LIST_BOUND,
    FIELD_COSTS,
    SLOT_WINDOW_DAYS,
    SLOTS_PER_DAY,
    estimate_cost,
)
from tests.support import ROOT

START = datetime(2030, 3, 4, 8, tzinfo=UTC)
SLOTS = """
query Slots($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) {
    openUntil
    slots { start location { name } }
  }
}"""
#: What one slot of the hostile request selects: a practitioner, their sessions, and for
#: each session its location and the practitioner's services and sessions again.
HOSTILE_SLOT = (
    "slots { start end practitioner { sessions { location { name } practitioner "
    "{ services { name } sessions { location { name } } } } } }"
)


@cache
def schema() -> GraphQLSchema:
    return build_schema(production=True)._schema


def cost(query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> int:
    found = estimate_cost(schema(), parse(query), name, variables)
    assert found is not None
    return found


def window(days: float) -> dict[str, str]:
    return {"from": START.isoformat(), "to": (START + timedelta(days=days)).isoformat()}


def hostile(aliases: int, days: int) -> str:
    fields = " ".join(
        f'a{i}: availableSlots(practitionerId: "1", serviceId: "1", '
        f'from: "{window(days)["from"]}", to: "{window(days)["to"]}") {{ {HOSTILE_SLOT} }}'
        for i in range(aliases)
    )
    return f"{{ {fields} }}"


def test_leaves_are_free_and_each_object_costs_one() -> None:
    assert cost("{ clinic { name timeZone } }") == 1
    assert cost("{ clinic { name settings { holdMinutes } } }") == 2
    assert cost("{ __typename }") == 0


def test_a_list_multiplies_what_it_selects_by_its_bound() -> None:
    # 20 practitioners, each with up to 10 services.
    assert cost("{ practitioners { name services { name } } }") == 20 * (1 + 10)
    assert cost("{ patients { name } }") == 200  # the search's own cap


def test_slots_grow_with_the_days_asked_for() -> None:
    def slots_cost(days: float) -> int:
        return cost(SLOTS, {"p": "1", "s": "1", **window(days)})

    # availableSlots itself, then per slot the slot and its location.
    assert slots_cost(7) == 1 + 7 * SLOTS_PER_DAY * 2
    assert slots_cost(14) == 1 + 14 * SLOTS_PER_DAY * 2
    assert slots_cost(0.5) == slots_cost(1)  # part of a day is a day


def test_a_window_wider_than_the_resolver_takes_counts_as_the_widest() -> None:
    widest = 1 + SLOT_WINDOW_DAYS * SLOTS_PER_DAY * 2
    assert cost(SLOTS, {"p": "1", "s": "1", **window(400)}) == widest
    # A literal that is no DateTime fails the field without running it: priced the widest.
    literal = SLOTS.replace("from: $from, to: $to", 'from: "soon", to: "later"')
    assert cost(literal, {"p": "1", "s": "1", **window(1)}) == widest


def test_diary_and_visits_grow_with_their_days() -> None:
    diary = "query($from: DateTime!, $to: DateTime!) { diary(practitionerId: 1, from: $from, to: $to) { id patient { name } } }"
    visits = "query($from: DateTime!, $to: DateTime!) { visits(patientId: 1, from: $from, to: $to) { id } }"
    assert cost(diary, window(10)) == 2 * cost(diary, window(5))
    assert cost(visits, window(300)) == 10 * cost(visits, window(30))


def test_a_bulk_result_is_as_long_as_the_ids_given() -> None:
    bulk = "mutation($ids: [ID!]!) { bulkInvite(patientIds: $ids) { invited { id } skipped { patient { name } } } }"
    assert cost(bulk, {"ids": ["1", "2", "3"]}) == 1 + 3 * 1 + 3 * (1 + 1)


def test_fragments_cost_what_they_would_written_out() -> None:
    inline = "{ practitioners { name sessions { location { name } } } }"
    named = """
      query { practitioners { ...P } }
      fragment P on Practitioner { name sessions { ...S } }
      fragment S on SessionSeries { location { name } }
    """
    typed = "{ practitioners { ... on Practitioner { name sessions { location { name } } } } }"
    assert cost(named) == cost(inline) == cost(typed) == 20 * (1 + 7 * (1 + 1))


def test_a_fragment_spread_many_times_is_priced_once_per_context() -> None:
    # Each level spreads the next twice: written out, the document doubles per level.
    levels = 16
    fragments = [
        f"fragment F{i} on Practitioner {{ sessions {{ practitioner {{ ...F{i + 1} ...F{i + 1} }} }} }}"
        for i in range(levels)
    ]
    fragments.append(f"fragment F{levels} on Practitioner {{ name }}")
    query = "{ practitioners { ...F0 } }\n" + "\n".join(fragments)

    # Per level: 7 sessions, each one practitioner holding the next level twice.
    expected = 0
    for _ in range(levels):
        expected = 7 * (1 + 1 + 2 * expected)
    assert cost(query) == 20 * (1 + expected)


def test_password_checks_cost_more_than_their_objects() -> None:
    login = 'mutation { login(email: "a@example.com", password: "x") { __typename } }'
    assert cost(login) == FIELD_COSTS["Mutation.login"] + 1
    guesses = " ".join(
        f'g{i}: login(email: "a@example.com", password: "guess {i}") {{ __typename }}'
        for i in range(30)
    )
    assert cost(f"mutation {{ {guesses} }}") > DEFAULT_BUDGET


def test_an_operation_that_cannot_run_has_no_cost() -> None:
    assert estimate_cost(schema(), parse(SLOTS), None, {"p": "1", "s": "1"}) is None
    assert estimate_cost(schema(), parse(SLOTS), None, {"p": "1", "s": "1", "from": "x"}) is None
    assert estimate_cost(schema(), parse(SLOTS), "Other", {}) is None


def test_the_operation_named_is_the_one_priced() -> None:
    document = "query A { clinic { name } } query B { locations { name } }"
    assert cost(document, name="A") == 1
    assert cost(document, name="B") == 10


def test_a_full_introspection_is_within_the_budget() -> None:
    """Tools (GraphiQL, code generators) must always be able to introspect. The price
    grows with every type the schema gains (about 280 each), so the check is the budget
    itself rather than a share of it that each new capability would break."""
    assert cost(get_introspection_query()) < DEFAULT_BUDGET


def test_thirty_aliases_of_deep_slots_over_62_days_are_far_over_the_budget() -> None:
    assert len(hostile(30, 62).encode()) < 8192
    assert cost(hostile(30, 62)) > 50 * DEFAULT_BUDGET


def test_one_such_alias_is_over_the_budget_at_14_days_and_within_it_at_7() -> None:
    assert DEFAULT_BUDGET < cost(hostile(1, 14)) < 2 * DEFAULT_BUDGET
    assert cost(hostile(1, 7)) < DEFAULT_BUDGET


def test_an_unlisted_list_has_the_default_bound() -> None:
    assert cost("{ me { patients { users { name } } } }") == 1 + 10 * (1 + 5)
    # A list type present only as default: PatientMatch.matchedOn holds strings (free).
    assert DEFAULT_LIST_BOUND > 0


# ------------------------------------------------------------- what clients send

#: GraphQL in the example clients: JS template strings and Python gql(...) calls.
_JS = re.compile(r"const [A-Z_]+ = `(.*?)`;", re.DOTALL)
_PY = re.compile(r'gql\(\s*"""(.*?)"""\s*\)|gql\(\s*"(.*?)"\s*\)', re.DOTALL)


def client_operations() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "client-examples" / "web" / "src").glob("*.js")):
        found += [(path.name, q) for q in _JS.findall(path.read_text())]
    for path in sorted((ROOT / "client-examples" / "python").glob("*.py")):
        found += [(path.name, a or b) for a, b in _PY.findall(path.read_text())]
    return found


def widest_variables(query: str) -> dict[str, Any]:
    """Values for the operation's variables: ids, strings, dates, and the widest slot window."""
    values: dict[str, Any] = {}
    for name, type_ in re.findall(r"\$(\w+)\s*:\s*([\w!\[\]]+)", query):
        if type_.startswith("DateTime"):
            values[name] = window(SLOT_WINDOW_DAYS - 1)[name if name in ("from", "to") else "to"]
        elif type_.startswith("Date"):
            values[name] = "1990-01-01"
        elif type_.startswith("Boolean"):
            values[name] = True
        elif type_.startswith("JoinWaitlistInput"):
            values[name] = {
                "patientId": "1",
                "serviceId": "1",
                "fromDate": "2026-12-10",
                "untilDate": "2026-12-20",
                "earliest": "08:00",
                "latest": "18:00",
            }
        else:
            values[name] = "1"
    return values


def test_the_examples_send_some_operations() -> None:
    names = {name for name, _ in client_operations()}
    assert names == {"book.js", "panel.js", "book_for_family.py", "listen_to_slots.py"}
    assert len(client_operations()) >= 12


@pytest.mark.parametrize(
    ("source", "query"), client_operations(), ids=[n for n, _ in client_operations()]
)
def test_every_operation_of_the_example_clients_passes_with_room(source: str, query: str) -> None:
    assert cost(query, widest_variables(query)) < DEFAULT_BUDGET / 10


# ------------------------------------------------------------------------- connections

PATIENT_PAGE = """
query($first: Int, $last: Int) {
  patientsConnection(first: $first, last: $last) {
    edges { cursor node { name users { email } } }
    pageInfo { endCursor hasNextPage }
  }
}"""


def test_a_connection_multiplies_what_its_edges_select_by_first_or_last() -> None:
    # The connection, its pageInfo, and per edge the edge, its patient and 5 users.
    def page(**size: int) -> int:
        return cost(PATIENT_PAGE, size)

    assert page(first=10) == 1 + 1 + 10 * (1 + 1 + 5)
    assert page(first=100) == 10 * page(first=10) - 9 * 2
    assert page(last=10) == page(first=10)
    assert page(first=0) == 2


def test_a_connection_without_first_or_last_is_priced_as_the_default_page() -> None:
    assert cost(PATIENT_PAGE) == cost(PATIENT_PAGE, {"first": DEFAULT_PAGE_SIZE})


def test_more_than_a_page_may_hold_is_priced_as_a_full_page_and_refused_by_the_field() -> None:
    # So the client hears "first must be between 0 and 100", not "too costly".
    assert cost(PATIENT_PAGE, {"first": 10**9}) == cost(PATIENT_PAGE, {"first": MAX_PAGE_SIZE})
    assert cost(PATIENT_PAGE, {"first": -5}) == cost(PATIENT_PAGE, {"first": 0})


def test_nested_pages_multiply_and_a_count_costs_a_page() -> None:
    appointments = """
    query($first: Int) {
      appointments(first: $first) { totalCount edges { node { id patient { name } } } }
    }"""
    assert cost(appointments, {"first": 50}) == 1 + MAX_PAGE_SIZE + 50 * (1 + 1 + 1)
