"""What operators and load balancers read: the probes, the metrics and who may read
them, request ids, and compressed answers."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time as clock
from datetime import timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event, text

from persistence.models import OutboxRow
from persistence.operations import head_revision
from portal.app import create_app
from portal.operations.metrics import MAX_OPERATION_NAMES
from portal.operations.readiness import REUSE_SECONDS
from portal.settings import Settings
from resolvers.deps import Deps
from resolvers.waitlist.offers import make_offers
from tests import factories
from tests.api.test_holds import RELEASE, REQUEST, hold
from tests.api.test_requests import ACCEPT, REJECT, requested
from tests.api.test_sign_in import LOGIN
from tests.api.test_waitlist import ACCEPT as TAKE
from tests.api.test_waitlist import (
    DECLINE,
    freed_at,
    join,
    mine,
    offer_runs_out,
    waiting_patients,
)
from tests.apps import client_of
from tests.support import GraphQL, eventually

TOKEN = "metrics-token-for-tests"


def scraped(text_format: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample, parsed by prometheus-client's own parser: (name, labels) → value."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text_format)
        for sample in family.samples
    }


def value(samples: dict, metric: str, **labels: str) -> float:
    return samples.get((metric, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient) -> dict:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return scraped(response.text)


@asynccontextmanager
async def from_address(
    settings: Settings, address: str, **changes: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(settings, **changes))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            yield client


async def answered(gql: GraphQL, status: int, saying: str = "") -> httpx.Response:
    """Readiness once it answers `status` (what it found is reused for up to a second)."""

    async def reached() -> httpx.Response | None:
        response = await gql.client.get("/health/ready")
        return response if response.status_code == status and saying in response.text else None

    return await eventually(reached, timeout=5)


async def test_live_and_ready_answer_200_and_say_what_they_checked(gql: GraphQL) -> None:
    live = await gql.client.get("/health/live")
    ready = await gql.client.get("/health/ready")

    assert live.status_code == 200 and live.json() == {"status": "live"}
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {
        "ok": True,
        "detail": f"schema at {head_revision()}",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["workers"]["ok"] and body["checks"]["shutdown"]["ok"]
    assert ready.headers["cache-control"] == "no-store"


async def test_a_database_behind_the_code_is_not_ready_until_migrated(
    gql: GraphQL, deps: Deps, settings: Settings
) -> None:
    async with deps.database.writer() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '0012_waitlist'"))
        await session.commit()
    try:
        behind = await answered(gql, 503)
        async with client_of(settings, environment="production", metrics_token=TOKEN) as prod:
            told_anyone = await prod.client.get("/health/ready")
            told_operator = await prod.client.get(
                "/health/ready", headers={"Authorization": f"Bearer {TOKEN}"}
            )
    finally:
        async with deps.database.writer() as session:
            await session.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
            await session.commit()
    again = await answered(gql, 200)
    async with deps.database.writer() as session:
        await session.execute(
            text("UPDATE alembic_version SET version_num = 'from_a_newer_release'")
        )
        await session.commit()
    try:
        # A newer version rolling out migrated first: this one still serves.
        ahead = await answered(gql, 200, "newer than")
    finally:
        async with deps.database.writer() as session:
            await session.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
            await session.commit()

    assert ahead.status_code == 200, ahead.text
    assert "newer than" in ahead.json()["checks"]["database"]["detail"]
    assert behind.status_code == 503
    assert behind.json()["failed"] == ["database"]
    assert "0012_waitlist" in behind.json()["checks"]["database"]["detail"]
    # In production, anyone else learns only which check failed.
    assert told_anyone.status_code == 503
    assert told_anyone.json() == {"status": "unavailable", "failed": ["database"]}
    assert "portal migrate" in told_operator.json()["checks"]["database"]["detail"]
    assert again.status_code == 200


async def test_metrics_are_for_the_token_holder_in_production_and_this_machine_in_development(
    settings: Settings, deps: Deps
) -> None:
    async with from_address(settings, "127.0.0.1", environment="production") as no_token_set:
        off = await no_token_set.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    async with from_address(
        settings, "203.0.113.9", environment="production", metrics_token=TOKEN
    ) as prod:
        anonymous = await prod.get("/metrics")
        wrong = await prod.get("/metrics", headers={"Authorization": "Bearer not-it"})
        right = await prod.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    async with from_address(settings, "127.0.0.1") as here:
        local = await here.get("/metrics")
    async with from_address(settings, "203.0.113.9") as elsewhere:
        remote = await elsewhere.get("/metrics")

    assert off.status_code == 404
    assert anonymous.status_code == wrong.status_code == 404
    assert right.status_code == 200 and "portal_holds_total" in right.text
    assert local.status_code == 200
    assert remote.status_code == 404


async def test_holds_answers_refusals_and_the_backlog_are_counted(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    anna, ben = await factories.user(deps), await factories.user(deps)
    await factories.staff(deps)  # the clinic's address gets email
    start = factories.slot_start()
    before = await scrape(gql.client)

    held = await hold(gql, diary, start, anna.token)
    taken = await hold(gql, diary, start, ben.token)
    await gql(RELEASE, {"id": held["appointment"]["id"]}, token=anna.token)
    for _ in range(6):  # the sixth wrong password for one account is refused
        await gql.raw(LOGIN, {"email": anna.user.email, "password": "wrong"})
    after = await scrape(gql.client)

    def delta(metric: str, **labels: str) -> float:
        return value(after, metric, **labels) - value(before, metric, **labels)

    assert taken["__typename"] == "SlotUnavailable"
    assert delta("portal_holds_total", event="placed") == 1
    assert delta("portal_holds_total", event="released") == 1
    assert delta("portal_graphql_answers_total", type="mutation", name="Hold", outcome="ok") == 1
    assert (
        delta(
            "portal_graphql_answers_total", type="mutation", name="Hold", outcome="SlotUnavailable"
        )
        == 1
    )
    assert delta("portal_rate_limit_refusals_total", limit="sign-in-account") >= 1
    assert delta("portal_graphql_operation_seconds_count", type="mutation", name="Hold") == 2
    assert delta("portal_http_responses_total", route="/graphql", status="2xx") == 9
    assert value(after, "portal_database_pool_size") >= 1
    assert ("portal_email_outbox_pending", frozenset()) in after
    assert ("portal_webhook_backlog_oldest_seconds", frozenset()) in after


async def test_an_unsent_email_shows_in_the_backlog_with_its_age(gql: GraphQL, deps: Deps) -> None:
    written = deps.now() - timedelta(minutes=10)
    async with deps.database.writer() as session:
        session.add(
            OutboxRow(
                kind="test",
                to_address="nobody@example.com",
                subject="s",
                text_body="t",
                html_body="<p>t</p>",
                created_at=written,
                # Far from due, so no sender takes it during the test.
                next_attempt_at=deps.now() + timedelta(days=1),
                attempts=0,
            )
        )
        await session.commit()

    samples = await scrape(gql.client)

    assert value(samples, "portal_email_outbox_pending") >= 1
    assert value(samples, "portal_email_outbox_oldest_seconds") >= 590


async def test_operation_names_past_the_bound_are_counted_as_other(gql: GraphQL) -> None:
    for n in range(250):
        await gql.client.post("/graphql", json={"query": f"query Name{n}x {{ __typename }}"})
    await gql.client.post("/graphql", json={"query": "{ __typename }"})

    samples = await scrape(gql.client)
    names = {
        dict(labels)["name"] for (name, labels) in samples if name == "portal_graphql_answers_total"
    }

    assert len(names) <= MAX_OPERATION_NAMES + 2  # and "other" and "anonymous"
    assert "other" in names and "anonymous" in names


async def test_a_request_id_is_kept_when_well_formed_and_made_otherwise(gql: GraphQL) -> None:
    kept = await gql.client.get("/health/live", headers={"X-Request-ID": "lb-7f3a.12:9"})
    hostile = await gql.client.get(
        "/health/live", headers={"X-Request-ID": '"}\n{"admin": true} ' + "x" * 200}
    )
    none = await gql.client.get("/health/live")

    assert kept.headers["x-request-id"] == "lb-7f3a.12:9"
    assert len(hostile.headers["x-request-id"]) == 32
    assert hostile.headers["x-request-id"].isalnum()
    assert none.headers["x-request-id"] != hostile.headers["x-request-id"]


async def test_answers_over_a_kilobyte_are_gzipped_for_clients_that_ask(gql: GraphQL) -> None:
    big = {"query": "{ __schema { types { name description } } }"}
    asked = await gql.client.post("/graphql", json=big, headers={"Accept-Encoding": "gzip"})
    raw = await gql.client.post("/graphql", json=big, headers={"Accept-Encoding": "identity"})
    small = await gql.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"}
    )

    assert asked.headers.get("content-encoding") == "gzip"
    assert "content-encoding" not in raw.headers
    assert len(raw.content) > 1024
    assert asked.json()["data"] == raw.json()["data"]  # httpx undid the gzip
    assert int(asked.headers["content-length"]) < len(raw.content) / 2
    assert "content-encoding" not in small.headers


async def test_a_burst_of_readiness_probes_asks_the_database_about_once_a_second(
    gql: GraphQL, deps: Deps
) -> None:
    asked: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "alembic_version" in statement:
            asked.append(statement)

    engine = deps.database.read_engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        started = time.monotonic()
        answers = [await gql.client.get("/health/ready") for _ in range(100)]
        seconds = time.monotonic() - started
    finally:
        event.remove(engine, "before_cursor_execute", note)

    assert {a.status_code for a in answers} == {200}
    assert 1 <= len(asked) <= seconds / REUSE_SECONDS + 2


async def test_requests_accepted_and_rejected_are_counted(gql: GraphQL, deps: Deps) -> None:
    first, diary, _ = await requested(gql, deps)
    ben_patient = await factories.patient(deps, name="Ben Braun")
    ben = await factories.user(deps, patients=(ben_patient,), email="ben@example.com")
    held = await hold(gql, diary, factories.slot_start(hour=11), ben.token)
    second = (
        await gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": str(ben_patient.id)},
            token=ben.token,
        )
    )["request"]
    desk = await factories.staff(deps)
    before = await scrape(gql.client)

    await gql(ACCEPT, {"id": first["id"]}, token=desk.token)
    await gql(REJECT, {"id": second["id"], "notify": False}, token=desk.token)
    await gql(REJECT, {"id": second["id"], "notify": False}, token=desk.token)  # the same again
    after = await scrape(gql.client)

    answered = "portal_booking_requests_answered_total"
    assert (
        value(after, answered, answer="accepted") - value(before, answered, answer="accepted") == 1
    )
    assert (
        value(after, answered, answer="rejected") - value(before, answered, answer="rejected") == 1
    )


async def test_waitlist_offers_made_declined_lapsed_and_taken_are_counted(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, start=clock(9), end=clock(10))
    first, second, third = await waiting_patients(deps, 3)
    nine = factories.slot_start(days=3, hour=9)
    await factories.appointment(deps, diary, start=nine + timedelta(minutes=30))
    for w in (first, second, third):
        await join(gql, w, diary)
    await freed_at(deps, gql, diary, nine)
    before = await scrape(gql.client)

    await make_offers(deps)
    offer = (await mine(gql, first))[0]["offer"]["id"]
    await gql(DECLINE, {"id": offer}, token=first.user.token)
    await make_offers(deps)
    await offer_runs_out(deps, (await mine(gql, second))[0]["offer"]["id"])
    await make_offers(deps)
    taken = (await mine(gql, third))[0]["offer"]["id"]
    await gql(TAKE, {"id": taken}, token=third.user.token)
    after = await scrape(gql.client)

    def offers(event: str) -> float:
        name = "portal_waitlist_offers_total"
        return value(after, name, event=event) - value(before, name, event=event)

    assert (offers("made"), offers("declined"), offers("lapsed"), offers("taken")) == (3, 1, 1, 1)


async def test_invented_methods_and_paths_make_no_new_series(gql: GraphQL) -> None:
    for n in range(20):
        await gql.client.request(f"PROBE{n}", f"/graphql/../admin/{n}")
        await gql.client.get(f"/no-such-page-{n}")

    samples = await scrape(gql.client)
    series = {
        dict(labels).get("route", "") + " " + dict(labels).get("method", "")
        for (name, labels) in samples
        if name == "portal_http_request_seconds_count"
    }

    assert not any("PROBE" in s or "no-such-page" in s or "admin" in s for s in series)
    assert "unmatched other" in series and "unmatched GET" in series
