"""Webhooks: partners get each event once, signed, after the change commits; nothing is
lost while their receiver is down, nothing sent for a change rolled back, and nothing
sent to addresses inside the network."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from domain.actors import Actor, ClientKind, UserKind
from domain.errors import NotAllowed, NotFound
from domain.webhook_events import patient_linked
from persistence.models import WebhookDeliveryRow, WebhookEndpointRow
from portal.settings import Settings
from portal.workers.webhook_outbox import send_webhooks_forever
from portal.workers.webhook_sender import HttpSender
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from resolvers.webhooks import deliveries, endpoints
from resolvers.webhooks.deliver import Signed
from tests import factories
from tests.api.conftest import Clock
from tests.api.partners import access_token, partner
from tests.apps import client_of
from tests.mailbox import Mailbox
from tests.receiver import Receiver
from tests.support import GraphQL, eventually

CREATE = """
mutation($url: String!, $events: [String!]!, $description: String) {
  createWebhookEndpoint(url: $url, events: $events, description: $description) {
    __typename
    ... on WebhookEndpointSecret { secret endpoint { id url events enabled } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

ROTATE = """
mutation($id: ID!) {
  rotateWebhookSecret(endpointId: $id) {
    __typename
    ... on WebhookEndpointSecret { secret endpoint { previousSecretExpiresAt } }
    ... on Problem { code }
  }
}
"""

ENDPOINTS = "{ webhookEndpoints { id url enabled disabledReason failingSince } }"

DELIVERIES = """
query($id: ID!, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $id, first: $first, after: $after) {
    edges { cursor node { id messageId eventType status attempts lastResponseCode
                          lastDurationMs payload } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
  }
}
"""

BOOK = """
mutation($patient: ID!, $practitioner: ID!, $service: ID!, $start: DateTime!) {
  bookAppointment(patientId: $patient, practitionerId: $practitioner,
                  serviceId: $service, start: $start) {
    __typename ... on Appointment { id status } ... on Problem { code message }
  }
}
"""

ALL_EVENTS = [
    "appointment.requested",
    "appointment.booked",
    "appointment.rejected",
    "appointment.cancel_requested",
    "appointment.uncancel_requested",
    "appointment.cancelled",
    "appointment.completed",
    "appointment.patient_confirmed",
    "appointment.rescheduled",
    "registration.created",
    "patient.merged",
    "patient.linked",
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().up()
    try:
        yield receiver
    finally:
        receiver.down()


async def create_endpoint(
    gql: GraphQL, token: str, url: str, events: list[str] | None = None
) -> tuple[str, str]:
    data = await gql(CREATE, {"url": url, "events": events or ALL_EVENTS}, token)
    created = data["createWebhookEndpoint"]
    assert created["__typename"] == "WebhookEndpointSecret", created
    return created["endpoint"]["id"], created["secret"]


async def arrived(receiver: Receiver, count: int, timeout: float = 10.0) -> list[Any]:
    async def enough() -> bool:
        return len(receiver.delivered()) >= count

    await eventually(enough, timeout=timeout)
    return receiver.delivered()


async def book(gql: GraphQL, deps: Deps, token: str, hour: int = 10) -> str:
    diary = await factories.online_practitioner(deps)
    patient = await factories.patient(deps)
    start = factories.slot_start(days=3, hour=hour).isoformat()
    data = await gql(
        BOOK,
        {
            "patient": str(patient.id),
            "practitioner": diary.practitioner_id,
            "service": diary.service_id,
            "start": start,
        },
        token,
    )
    booked = data["bookAppointment"]
    assert booked["__typename"] == "Appointment", booked
    return str(booked["id"])


async def deliveries_in_db(deps: Deps) -> list[WebhookDeliveryRow]:
    async with deps.database.reader() as session:
        query = select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.id)
        return list((await session.execute(query)).scalars())


async def test_a_booking_reaches_the_partner_once_signed_after_it_commits(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    desk = await factories.staff(deps)
    _, secret = await create_endpoint(gql, desk.token, receiver.url, ["appointment.booked"])
    assert secret.startswith("whsec_")

    appointment_id = await book(gql, deps, desk.token)

    [delivery] = await arrived(receiver, 1)
    event = Webhook(secret).verify(delivery.body, delivery.headers)
    assert event["type"] == "appointment.booked"
    assert event["version"] == 1
    assert event["data"]["appointmentId"] == appointment_id
    assert event["data"]["status"] == "BOOKED"
    assert event["data"]["start"].endswith(("+01:00", "+02:00"))  # the clinic's offset
    assert "." not in event["data"]["start"]  # whole seconds
    assert "Anna" not in delivery.body.decode()  # no names
    # A tampered body, or a replay with an old timestamp, is refused by the verifier.
    tampered = delivery.body.replace(b"BOOKED", b"CANCELLED")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, delivery.headers)
    old = str(int((datetime.now(UTC) - timedelta(minutes=10)).timestamp()))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(delivery.body, {**delivery.headers, "webhook-timestamp": old})

    async def logged() -> bool:
        return [d.status for d in await deliveries_in_db(deps)] == ["DELIVERED"]

    await eventually(logged)
    assert len(receiver.received) == 1


async def test_a_change_rolled_back_sends_nothing(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    desk = await factories.staff(deps)
    patient = await factories.patient(deps)
    await create_endpoint(gql, desk.token, receiver.url, ["patient.linked"])

    with pytest.raises(RuntimeError, match="halfway"):
        async with UnitOfWork(deps) as uow:
            uow.tell_partners(patient_linked(patient.id, 111, deps.now()))
            raise RuntimeError("the process failed halfway")
    # A change that commits is the first and only one the partner hears of.
    async with UnitOfWork(deps) as uow:
        uow.tell_partners(patient_linked(patient.id, 222, deps.now()))
        await uow.commit()

    [delivery] = await arrived(receiver, 1)
    assert json.loads(delivery.body)["data"]["userId"] == "222"
    assert len(await deliveries_in_db(deps)) == 1


async def wait_attempted(deps: Deps, count: int, attempts: int = 1) -> list[WebhookDeliveryRow]:
    async def attempted() -> list[WebhookDeliveryRow] | None:
        rows = await deliveries_in_db(deps)
        done = [r for r in rows if r.attempts >= attempts and r.claimed_until is None]
        return rows if len(done) >= count else None

    found: list[WebhookDeliveryRow] = await eventually(attempted, timeout=10)
    return found


async def settled(deps: Deps) -> None:
    """No delivery is claimed by a sender now."""

    async def none_claimed() -> bool:
        return all(r.claimed_until is None for r in await deliveries_in_db(deps))

    await eventually(none_claimed)


@contextlib.asynccontextmanager
async def second_worker(deps: Deps) -> AsyncIterator[None]:
    """Another webhook sender on the same database, beside the app's own."""
    sender = HttpSender(timeout_seconds=5, allow_loopback=True)
    task = asyncio.create_task(send_webhooks_forever(deps, sender))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_receiver_that_is_down_then_fails_loses_nothing_and_gets_each_once(
    gql: GraphQL, deps: Deps, receiver: Receiver, clock: Clock
) -> None:
    desk = await factories.staff(deps)
    patient = await factories.patient(deps)
    await create_endpoint(gql, desk.token, receiver.url, ["patient.linked"])
    receiver.down()  # connection refused

    async with second_worker(deps):
        for user_id in (1, 2, 3):
            async with UnitOfWork(deps) as uow:
                uow.tell_partners(patient_linked(patient.id, user_id, deps.now()))
                await uow.commit()
        rows = await wait_attempted(deps, 3)
        assert {r.status for r in rows} == {"PENDING"}
        assert all(r.last_error and r.last_status_code is None for r in rows)

        # It comes back answering 500, then 429 "in two minutes", then fine.
        receiver.plan.extend([(500, {}), (429, {"Retry-After": "120"})])
        receiver.up()
        clock.advance(10)
        await wait_attempted(deps, 3, attempts=2)
        assert len(receiver.delivered()) == 1
        throttled = next(r for r in await deliveries_in_db(deps) if r.last_status_code == 429)
        assert throttled.next_attempt_at >= clock.now + timedelta(seconds=110)

        clock.advance(20)  # the 500 is due again; the 429 is not
        await arrived(receiver, 2)
        await settled(deps)  # (the clock jumps past claims only when none is held)
        clock.advance(120)
        await arrived(receiver, 3)

        async def all_logged() -> bool:
            return {r.status for r in await deliveries_in_db(deps)} == {"DELIVERED"}

        await eventually(all_logged)

    received = receiver.delivered()
    assert sorted(json.loads(r.body)["data"]["userId"] for r in received) == ["1", "2", "3"]
    assert len({r.message_id for r in received}) == 3
    assert len(receiver.received) == 5  # three deliveries, one 500, one 429: no copies


async def test_an_endpoint_failing_for_three_days_is_disabled_and_the_clinic_emailed(
    gql: GraphQL, deps: Deps, receiver: Receiver, clock: Clock, mailbox: Mailbox
) -> None:
    await factories.set_clinic(deps, notification_email="desk@clinic.example")
    desk = await factories.staff(deps)
    patient = await factories.patient(deps)
    await create_endpoint(gql, desk.token, receiver.url, ["patient.linked"])
    receiver.plan.extend([(503, {})] * 10)

    async with UnitOfWork(deps) as uow:
        uow.tell_partners(patient_linked(patient.id, 1, deps.now()))
        await uow.commit()
    await wait_attempted(deps, 1)
    clock.advance(2 * 24 * 3600)
    await wait_attempted(deps, 1, attempts=2)
    # (Read as staff through the use case: the test's token has expired by this clock.)
    staff = Actor(user_id=desk.user.id, kind=UserKind.STAFF)
    assert [e.enabled for e in await endpoints.webhook_endpoints(deps, staff)] == [True]

    # A minute past the three days: the first attempt, and with it the start of the
    # failing streak, may have been made by the run's server process on the real clock,
    # which runs a few seconds ahead of this test's stopped one.
    clock.advance(24 * 3600 + 60)
    [row] = await wait_attempted(deps, 1, attempts=3)
    assert row.status == "FAILED"  # given up after three days

    [endpoint] = await endpoints.webhook_endpoints(deps, staff)
    assert endpoint.enabled is False
    assert "three days" in (endpoint.disabled_reason or "")
    [email] = await mailbox.wait_for(1)
    assert email.to == ["desk@clinic.example"]
    assert "disabled" in email.subject
    assert receiver.url in email.text()

    # Nothing more is written for it while disabled.
    async with UnitOfWork(deps) as uow:
        uow.tell_partners(patient_linked(patient.id, 2, deps.now()))
        await uow.commit()
    assert len(await deliveries_in_db(deps)) == 1


async def test_after_a_rotation_both_secrets_verify_until_the_grace_period_ends(
    gql: GraphQL, deps: Deps, receiver: Receiver, clock: Clock
) -> None:
    desk = await factories.staff(deps)
    patient = await factories.patient(deps)
    endpoint_id, old = await create_endpoint(gql, desk.token, receiver.url, ["patient.linked"])
    rotated = (await gql(ROTATE, {"id": endpoint_id}, desk.token))["rotateWebhookSecret"]
    new = rotated["secret"]
    assert new != old and new.startswith("whsec_")
    assert rotated["endpoint"]["previousSecretExpiresAt"] is not None

    async with UnitOfWork(deps) as uow:
        uow.tell_partners(patient_linked(patient.id, 1, deps.now()))
        await uow.commit()
    [during] = await arrived(receiver, 1)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(during.body, during.headers)
    Webhook(new).verify(during.body, during.headers)

    clock.advance(25 * 3600)
    async with UnitOfWork(deps) as uow:
        uow.tell_partners(patient_linked(patient.id, 2, deps.now()))
        await uow.commit()
    after = (await arrived(receiver, 2))[1]
    Webhook(new).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


async def test_production_refuses_loopback_and_private_addresses(
    settings: Settings, deps: Deps, receiver: Receiver
) -> None:
    desk = await factories.staff(deps)
    async with client_of(settings, environment="production", webhook_poll_seconds=0) as prod:
        for url in (
            "https://127.0.0.1/hooks",
            "https://10.0.0.1/hooks",
            "https://[::1]/hooks",
            "https://[::ffff:127.0.0.1]/hooks",
            "https://169.254.169.254/latest",
            "https://localhost/hooks",
            "https://0.0.0.0/hooks",
            f"http://127.0.0.1:{receiver.port}/hooks",
        ):
            answer = (await prod(CREATE, {"url": url, "events": ["patient.linked"]}, desk.token))[
                "createWebhookEndpoint"
            ]
            assert (answer["__typename"], answer["field"]) == ("InvalidInput", "url"), url

    # At delivery too, whatever the stored URL says: a name that resolves to loopback,
    # a literal private address (refused before any connection is tried).
    sender = HttpSender(timeout_seconds=5, allow_loopback=False)
    try:
        for url in (
            f"http://localhost:{receiver.port}/hooks",
            f"http://127.0.0.1:{receiver.port}/hooks",
            f"http://[::ffff:127.0.0.1]:{receiver.port}/hooks",
            "http://10.0.0.1/hooks",
        ):
            attempt = await sender.send(Signed(url, "msg_1", "{}", ("whsec_" + "A" * 44,)))
            assert attempt.status_code is None and (attempt.error or "").startswith("refused"), url
    finally:
        await sender.aclose()
    assert receiver.received == []


@pytest.mark.parametrize(
    ("url", "events", "description", "field"),
    [
        ("https://" + "a" * 5000 + ".example/hooks", ["patient.linked"], None, "url"),
        ("ftp://localhost/hooks", ["patient.linked"], None, "url"),
        ("https://user:secret@localhost/hooks", ["patient.linked"], None, "url"),
        ("https:///hooks", ["patient.linked"], None, "url"),
        ("javascript:alert(1)", ["patient.linked"], None, "url"),
        ("https://local host/hooks", ["patient.linked"], None, "url"),
        ("https://localhost:99999/hooks", ["patient.linked"], None, "url"),
        ("https://localhost/hooks#part", ["patient.linked"], None, "url"),
        ("https://localhost/hooks", ["patient.deleted"], None, "events"),
        ("https://localhost/hooks", [], None, "events"),
        ("https://localhost/hooks", ["patient.linked"], "x" * 501, "description"),
    ],
)
async def test_malformed_endpoints_are_invalid_input_naming_the_field(
    gql: GraphQL, deps: Deps, url: str, events: list[str], description: str | None, field: str
) -> None:
    desk = await factories.staff(deps)
    answer = (
        await gql(CREATE, {"url": url, "events": events, "description": description}, desk.token)
    )["createWebhookEndpoint"]
    assert (answer["__typename"], answer["field"]) == ("InvalidInput", field)
    assert (await gql(ENDPOINTS, token=desk.token))["webhookEndpoints"] == []


def client(client_id: str, *scopes: str) -> Actor:
    """An API client as its token identifies it (user_id 0: no user row has it)."""
    return Actor(
        user_id=0, kind=ClientKind.API_CLIENT, scopes=frozenset(scopes), client_id=int(client_id)
    )


async def test_an_api_client_manages_only_its_own_endpoints(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    first = await partner(gql, deps, "webhooks:manage", name="Ours")
    second = await partner(gql, deps, "webhooks:manage", name="Theirs")
    ours = client(first.client_id, "webhooks:manage")
    theirs = client(second.client_id, "webhooks:manage")
    created = await endpoints.create_webhook_endpoint(
        deps, ours, url=receiver.url, events=["patient.linked"]
    )
    key = str(created.endpoint.id)

    for attempt in (
        endpoints.update_webhook_endpoint(deps, theirs, endpoint_id=key, enabled=False),
        endpoints.rotate_webhook_secret(deps, theirs, endpoint_id=key),
        endpoints.delete_webhook_endpoint(deps, theirs, endpoint_id=key),
        deliveries.webhook_deliveries(deps, theirs, endpoint_id=key),
        deliveries.send_test_webhook(deps, theirs, endpoint_id=key),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert await endpoints.webhook_endpoints(deps, theirs) == []
    assert [e.id for e in await endpoints.webhook_endpoints(deps, ours)] == [created.endpoint.id]
    with pytest.raises(NotAllowed):
        await endpoints.webhook_endpoints(deps, client(first.client_id, "appointments:read"))

    # Staff see every endpoint; a patient none, told as a coded error.
    desk = await factories.staff(deps)
    listed = (await gql(ENDPOINTS, token=desk.token))["webhookEndpoints"]
    assert [e["id"] for e in listed] == [key]
    patient = await factories.user(deps)
    body = await gql.raw(ENDPOINTS, token=patient.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    answer = (
        await gql(CREATE, {"url": receiver.url, "events": ["patient.linked"]}, patient.token)
    )["createWebhookEndpoint"]
    assert answer["__typename"] == "NotAllowed"


REVOKE = "mutation($id: ID!) { revokeApiClient(id: $id) { __typename } }"


async def test_a_revoked_partner_hears_no_more(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    hub = await partner(gql, deps, "webhooks:manage")
    token = await access_token(gql.client, hub)
    made = (await gql(CREATE, {"url": receiver.url, "events": ["patient.linked"]}, token))[
        "createWebhookEndpoint"
    ]
    assert made["endpoint"]["enabled"] is True

    revoked = await gql(REVOKE, {"id": hub.client_id}, token=hub.staff_token)
    assert revoked["revokeApiClient"]["__typename"] == "ApiClient"

    listed = (await gql(ENDPOINTS, token=hub.staff_token))["webhookEndpoints"]
    assert [(e["enabled"], e["disabledReason"]) for e in listed] == [
        (False, "The API client was revoked.")
    ]


async def test_deliveries_page_newest_first_with_opaque_cursors(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    desk = await factories.staff(deps)
    patient = await factories.patient(deps)
    endpoint_id, _ = await create_endpoint(gql, desk.token, receiver.url, ["patient.linked"])
    for user_id in (1, 2, 3):
        async with UnitOfWork(deps) as uow:
            uow.tell_partners(patient_linked(patient.id, user_id, deps.now()))
            await uow.commit()
    await arrived(receiver, 3)

    page = (await gql(DELIVERIES, {"id": endpoint_id, "first": 2}, desk.token))["webhookDeliveries"]
    users = [json.loads(e["node"]["payload"])["data"]["userId"] for e in page["edges"]]
    assert users == ["3", "2"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    rest = (
        await gql(
            DELIVERIES,
            {"id": endpoint_id, "first": 2, "after": page["pageInfo"]["endCursor"]},
            desk.token,
        )
    )["webhookDeliveries"]
    assert [json.loads(e["node"]["payload"])["data"]["userId"] for e in rest["edges"]] == ["1"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True

    huge = await gql(DELIVERIES, {"id": endpoint_id, "first": 100000}, desk.token)
    assert len(huge["webhookDeliveries"]["edges"]) == 3
    for bad in ("nonsense", "ZGVsaXZlcnk6LTE", "x" * 3000):
        body = await gql.raw(DELIVERIES, {"id": endpoint_id, "after": bad}, desk.token)
        assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


SEND_TEST = """
mutation($id: ID!) { sendTestWebhook(endpointId: $id) {
  __typename ... on WebhookDelivery { id eventType } ... on Problem { code } } }
"""
DELETE = """
mutation($id: ID!) { deleteWebhookEndpoint(endpointId: $id) {
  __typename ... on WebhookEndpointDeleted { id } ... on Problem { code } } }
"""
REDELIVER = """
mutation($id: ID!) { redeliverWebhook(deliveryId: $id) {
  __typename ... on WebhookDelivery { id messageId } ... on Problem { code } } }
"""


async def test_a_test_event_and_a_redelivery_arrive_with_the_same_message_id(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    desk = await factories.staff(deps)
    endpoint_id, secret = await create_endpoint(gql, desk.token, receiver.url)
    sent = (await gql(SEND_TEST, {"id": endpoint_id}, desk.token))["sendTestWebhook"]
    assert sent["eventType"] == "webhook.test"
    [first] = await arrived(receiver, 1)
    assert Webhook(secret).verify(first.body, first.headers)["type"] == "webhook.test"

    again = (await gql(REDELIVER, {"id": sent["id"]}, desk.token))["redeliverWebhook"]
    assert again["__typename"] == "WebhookDelivery" and again["id"] != sent["id"]
    second = (await arrived(receiver, 2))[1]
    assert second.message_id == first.message_id and second.body == first.body

    missing = (await gql(REDELIVER, {"id": "99999"}, desk.token))["redeliverWebhook"]
    assert missing["code"] == "NOT_FOUND"

    deleted = (await gql(DELETE, {"id": endpoint_id}, desk.token))["deleteWebhookEndpoint"]
    assert deleted == {"__typename": "WebhookEndpointDeleted", "id": endpoint_id}
    assert await endpoint_count(deps) == 0
    assert await deliveries_in_db(deps) == []  # its log went with it
    again = (await gql(SEND_TEST, {"id": endpoint_id}, desk.token))["sendTestWebhook"]
    assert again["code"] == "NOT_FOUND"


async def endpoint_count(deps: Deps) -> int:
    async with deps.database.reader() as session:
        query = select(func.count()).select_from(WebhookEndpointRow)
        return int((await session.execute(query)).scalar_one())


async def test_the_sender_connects_to_the_address_it_checked_keeping_the_name(
    receiver: Receiver,
) -> None:
    """DNS answers once per attempt and the connection goes to that checked address, so
    a second answer (rebinding) is never asked for; the request still names the host."""
    answers: list[str] = []

    async def dns(host: str, port: int) -> list[Any]:
        answers.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    url = f"http://partner.test:{receiver.port}/hooks"
    for allow_loopback, arrives in ((False, 0), (True, 1)):
        sender = HttpSender(timeout_seconds=5, allow_loopback=allow_loopback, resolver=dns)
        try:
            await sender.send(Signed(url, "msg_1", "{}", ("whsec_" + "A" * 44,)))
        finally:
            await sender.aclose()
        assert len(receiver.received) == arrives
    assert answers == ["partner.test", "partner.test"]
    assert receiver.received[0].headers["host"] == f"partner.test:{receiver.port}"
