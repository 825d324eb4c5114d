"""Fragments that multiply: a short document whose fragments double at every level is
validated and priced in time linear in its text, over HTTP and over a websocket, and is
refused before any resolver runs. Measured as the server process's CPU time, in units of
a raw floor measured in the same run: graphql-core's own parse and validation of a plain
nested document in this test's process (so a slower machine moves limit and cost alike)."""

from __future__ import annotations

import gc
import itertools
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import parse, validate

from portal.settings import Settings
from schema.build import MAX_DEPTH, build_schema
from schema.guards.selection_limits import MAX_NESTING
from tests.conftest import running_servers
from tests.support import GraphQL, LiveSocket, ServerProcess

#: The most server CPU one such document may cost, validation and pricing included, in
#: floors. Expanded, two fragments doubling 22 levels deep would cost millions of them.
CPU_LIMIT_FLOORS = 8.0
#: Over a websocket the same document costs the server two to three times what it costs
#: over HTTP (not yet traced; `docs/decisions.md`).
SOCKET_CPU_LIMIT_FLOORS = 32.0
LEVELS = (22, 25, 30)
_names = itertools.count()


def doubling_fragments(levels: int) -> str:
    """`query { ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment Fn { __typename }`:
    2^levels `__typename` fields once expanded, in under 2 KB."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return (
        f"query Doubling{next(_names)} {{ ...F0 }} {fragments} "
        f"fragment F{levels} on Query {{ __typename }}"
    )


def nested_inline_fragments(levels: int) -> str:
    """The same depth of nesting from inline fragments, two of them at every level."""
    body = "__typename"
    for _ in range(levels):
        body = f"__typename ... on Query {{ {body} }} ... on Query {{ __typename }}"
    return f"query Inline{next(_names)} {{ {body} }}"


def doubling_inline_fragments(levels: int) -> str:
    """Two copies of the level below at every level, written out: as many levels as the
    token limit lets through."""
    body = "__typename"
    for _ in range(levels):
        body = f"... on Query {{ {body} }} ... on Query {{ {body} }}"
    return f"query InlineDoubling{next(_names)} {{ {body} }}"


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def assert_answered_or_refused(answer: dict) -> None:
    """Answered in full, or refused as a whole with a limit's code (the fragments that
    double are refused; inline fragments that merely nest are answered)."""
    if answer.get("errors"):
        assert answer.get("data") is None, answer
        refusals = {e.get("extensions", {}).get("code", e["message"]) for e in answer["errors"]}
        assert refusals <= {"QUERY_TOO_COSTLY", "QUERY_TOO_DEEP", "Validation aborted."}, answer
    elif "clinic" in answer["data"]:
        assert answer["data"]["clinic"]["name"], answer
    else:
        assert answer["data"]["__typename"] == "Query", answer


def repeated_fields(times: int) -> str:
    """The same field selected over and over: graphql-core compares each pair of them."""
    return f"query Repeated{next(_names)} {{ {' '.join(['clinic { name }'] * times)} }}"


DOCUMENTS = [
    *(pytest.param(doubling_fragments(n), id=f"fragments-{n}") for n in LEVELS),
    *(pytest.param(nested_inline_fragments(n), id=f"inline-{n}") for n in LEVELS),
    pytest.param(doubling_inline_fragments(8), id="inline-doubling-8"),
]
#: Over HTTP also a field repeated 900 times (graphql-core's comparison budget). Merely
#: walking its 3,600 tokens costs graphql-core's rules several floors, so it is held to
#: 24 floors: graphql-core's default budget let it cost a second.
REPEATED_CPU_LIMIT_FLOORS = 24.0
HTTP_DOCUMENTS = [
    *(pytest.param(*d.values, CPU_LIMIT_FLOORS, id=d.id) for d in DOCUMENTS),
    pytest.param(repeated_fields(900), REPEATED_CPU_LIMIT_FLOORS, id="repeated-900"),
]


@pytest.fixture(scope="module")
def floor() -> float:
    """The median CPU time of graphql-core parsing and validating a plain document of
    22 nested inline fragments against the served schema, in this process."""
    schema = build_schema(production=True)._schema
    document = nested_inline_fragments(22)
    times = []
    for _ in range(7):
        began = time.process_time()
        assert not validate(schema, parse(document))
        times.append(time.process_time() - began)
    return statistics.median(times)


@pytest.mark.parametrize(("document", "floors"), HTTP_DOCUMENTS)
async def test_a_multiplying_document_costs_little_over_http(
    production_gql: GraphQL, document: str, floors: float, floor: float
) -> None:
    await production_gql.raw("{ __typename }")  # a new app's first answer costs more
    gc.collect()  # earlier tests' garbage is not this document's cost
    began = time.process_time()
    answer = await production_gql.raw(document)
    spent = time.process_time() - began

    assert spent < floors * floor, f"{spent * 1000:.1f} ms of CPU, floor {floor * 1000:.1f}"
    assert_answered_or_refused(answer)


@pytest.fixture(scope="module")
def quiet_server(settings: Settings, run_dir: Path) -> Iterator[ServerProcess]:
    """A server whose background work (sweeping holds, polling the outboxes) waits a
    minute between rounds, so its CPU time over a request is the request's own."""
    with running_servers(
        settings,
        run_dir,
        1,
        HOLD_SWEEP_SECONDS="60",
        MAIL_POLL_SECONDS="60",
        EVENT_RELAY_SECONDS="60",
        WEBHOOK_POLL_SECONDS="0",
    ) as servers:
        yield servers[0]


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_a_multiplying_document_costs_the_server_little_over_a_websocket(
    quiet_server: ServerProcess, document: str, floor: float
) -> None:
    server = quiet_server
    async with LiveSocket(server.ws_url) as socket:
        await socket.send({"id": "0", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        assert (await socket.receive(timeout=10))["type"] == "next"
        assert (await socket.receive(timeout=10))["type"] == "complete"
        began = process_cpu(server.process.pid)
        await socket.send({"id": "1", "type": "subscribe", "payload": {"query": document}})
        answer = await socket.receive(timeout=10)
        spent = process_cpu(server.process.pid) - began

    limit = SOCKET_CPU_LIMIT_FLOORS * floor
    assert spent < limit, f"{spent * 1000:.1f} ms of server CPU, floor {floor * 1000:.1f}"
    if answer["type"] == "error":
        assert_answered_or_refused({"data": None, "errors": answer["payload"]})
    else:
        assert_answered_or_refused(answer["payload"])


async def test_fragments_within_the_limits_still_answer(production_gql: GraphQL) -> None:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(8))
    document = f"query Fine {{ ...F0 }} {fragments} fragment F8 on Query {{ clinic {{ name }} }}"

    answer = await production_gql.raw(document)

    assert "errors" not in answer, answer
    assert answer["data"]["clinic"]["name"]


async def test_depth_through_fragments_is_counted_as_written_out(
    production_gql: GraphQL,
) -> None:
    chain = " ".join(
        f"fragment P{i} on Practitioner {{ sessions {{ practitioner {{ ...P{i + 1} }} }} }}"
        for i in range(MAX_DEPTH)
    )
    document = (
        f"query Deep {{ practitioners {{ ...P0 }} }} {chain} fragment P{MAX_DEPTH} on "
        "Practitioner { name }"
    )

    answer = await production_gql.raw(document)

    assert answer.get("data") is None
    (error,) = answer["errors"]
    assert "exceeds maximum operation depth" in error["message"]
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_selections_nested_past_any_limit_are_refused_whatever_they_select(
    production_gql: GraphQL,
) -> None:
    body = "__typename"
    for _ in range(MAX_NESTING + 1):
        body = f"... on Query {{ {body} }}"

    answer = await production_gql.raw(f"query Nested {{ {body} }}")

    assert answer.get("data") is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
