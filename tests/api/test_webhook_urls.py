"""Webhook URLs are read by the sender's own parser when registered, and an endpoint
whose stored URL (or anything else) makes its delivery fail fails alone: its partner's
delivery is recorded as a failed attempt with the reason, every other partner's goes
out on time."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from domain.webhook_events import patient_linked
from domain.webhooks import new_secret
from persistence.models import WebhookEndpointRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from tests import factories
from tests.api.conftest import Clock
from tests.api.test_webhooks import (
    CREATE,
    ENDPOINTS,
    SEND_TEST,
    arrived,
    create_endpoint,
    deliveries_in_db,
    wait_attempted,
)
from tests.receiver import Receiver
from tests.support import GraphQL, eventually

#: A damaged secret (not base64): signing raises, an unexpected fault inside the sender.
DAMAGED_SECRET = "whsec_!!!not-base64"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().up()
    try:
        yield receiver
    finally:
        receiver.down()


async def stored_endpoint(deps: Deps, url: str, secret: str | None = None) -> int:
    """An endpoint written as it may have been stored before today's URL rules."""
    async with UnitOfWork(deps) as uow:
        row = await uow.webhooks.add_endpoint(
            WebhookEndpointRow(
                url=url,
                events="patient.linked",
                secret=secret or new_secret(),
                created_at=deps.now(),
                enabled=True,
            )
        )
        await uow.commit()
    return row.id


async def endpoints_enabled(deps: Deps) -> dict[int, bool]:
    async with deps.database.reader() as session:
        rows = await session.execute(select(WebhookEndpointRow.id, WebhookEndpointRow.enabled))
        return {row.id: row.enabled for row in rows}


async def test_poisoned_endpoints_fail_alone_beside_a_good_one(
    gql: GraphQL, deps: Deps, receiver: Receiver, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    desk = await factories.staff(deps)
    patient = await factories.patient(deps)
    good, _ = await create_endpoint(gql, desk.token, receiver.url, ["patient.linked"])
    # Loopback forms the system resolver reads and httpx refuses: whatever happened,
    # nothing could leave this machine.
    poisoned_hosts = ("0177.0.0.1", "ⓛocalhost")
    for host in poisoned_hosts:
        infos = await asyncio.get_running_loop().getaddrinfo(host, 80, type=socket.SOCK_STREAM)
        assert infos and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)
        with pytest.raises(httpx.InvalidURL):
            httpx.URL(f"http://{host}:{receiver.port}/hooks")
    octal, idna = [
        await stored_endpoint(deps, f"http://{host}:{receiver.port}/hooks")
        for host in poisoned_hosts
    ]
    damaged = await stored_endpoint(deps, receiver.url, secret=DAMAGED_SECRET)
    # Ahead of the run's other senders' clocks: only this process's sender finds them due.
    clock.advance(600)

    with caplog.at_level(logging.INFO, logger="resolvers.webhooks.deliver"):
        async with UnitOfWork(deps) as uow:  # four deliveries, one batch
            uow.tell_partners(patient_linked(patient.id, 1, deps.now()))
            await uow.commit()
        [delivered] = await arrived(receiver, 1)
        rows = {r.endpoint_id: r for r in await wait_attempted(deps, 4)}

    assert delivered.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert (rows[int(good)].status, rows[int(good)].attempts) == ("DELIVERED", 1)
    reasons = {
        octal: "refused: Write an IPv4 address as four decimal numbers",
        idna: "refused: The URL's host name is not valid",
        damaged: "not sent: unexpected binascii.Error",
    }
    for endpoint_id, reason in reasons.items():
        row = rows[endpoint_id]
        assert (row.status, row.attempts, row.last_status_code) == ("PENDING", 1, None)
        assert (row.last_error or "").startswith(reason), row.last_error
        assert row.next_attempt_at > clock.now  # tried again later, by the usual rules
    # The unexpected fault is one log line with where it happened, without the secret.
    [fault] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    line = fault.getMessage()
    assert f"(delivery {rows[damaged].id}) to endpoint {damaged}" in line
    assert "binascii.Error" in line and "\n" not in line
    assert "not-base64" not in line and fault.exc_info is None

    # Retried with the others' deliveries untouched, then failed after three days and
    # their endpoints disabled; the good endpoint keeps going.
    clock.advance(60)
    await wait_attempted(deps, 3, attempts=2)
    clock.advance(3 * 24 * 3600)
    after = {r.endpoint_id: r for r in await wait_attempted(deps, 3, attempts=3)}
    assert {after[e].status for e in reasons} == {"FAILED"}

    async def disabled() -> bool:
        return await endpoints_enabled(deps) == {
            int(good): True,
            octal: False,
            idna: False,
            damaged: False,
        }

    await eventually(disabled)
    assert len(receiver.received) == 1  # the good delivery, once; nothing else arrived


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://0135.0270.0330.042/hook", "four decimal numbers"),  # octal
        ("http://0177.0.0.1:{port}/hooks", "four decimal numbers"),  # octal loopback
        ("http://127.0.0.01:{port}/hooks", "four decimal numbers"),  # a leading zero
        ("http://0x7f.0.0.1:{port}/hooks", "four decimal numbers"),  # hex
        ("http://2130706433:{port}/hooks", "four decimal numbers"),  # one decimal number
        ("http://127.1:{port}/hooks", "four decimal numbers"),  # shortened
        ("https://[fec0::1]/hooks", "private or local"),  # site-local
        ("https://[fe80::1%25lo]/hooks", "private or local"),  # a zone
        ("https://192.88.99.1/hooks", "private or local"),  # 6to4 relay anycast
        ("https://ⓟrobe-public.test/hooks", "host name is not valid"),  # IDNA 2008 refuses
        ("http://ⓛocalhost:{port}/hooks", "host name is not valid"),
        ("https://xn--zz.example/hooks", "host name is not valid"),  # a false A-label
        ("https://%31%32%37.0.0.1/hooks", "four decimal numbers"),
        ("https://partner.example:99999/hooks", "port is not valid"),
    ],
)
async def test_non_canonical_and_non_public_hosts_are_refused_at_registration(
    gql: GraphQL, deps: Deps, receiver: Receiver, url: str, says: str
) -> None:
    desk = await factories.staff(deps)
    given = url.format(port=receiver.port)
    answer = (await gql(CREATE, {"url": given, "events": ["patient.linked"]}, desk.token))[
        "createWebhookEndpoint"
    ]
    assert (answer["__typename"], answer["code"], answer["field"]) == (
        "InvalidInput",
        "INVALID_INPUT",
        "url",
    )
    assert says in answer["message"]
    assert (await gql(ENDPOINTS, token=desk.token))["webhookEndpoints"] == []
    assert receiver.received == []


UPDATE = """
mutation($id: ID!, $url: String) { updateWebhookEndpoint(endpointId: $id, url: $url) {
  __typename ... on WebhookEndpoint { url } ... on Problem { code message }
  ... on InvalidInput { field } } }
"""


async def test_a_name_is_kept_in_its_idna_form_and_requested_so(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    desk = await factories.staff(deps)
    # `localhost` and the names under it mean this machine (RFC 6761), in development.
    data = await gql(
        CREATE,
        {"url": f"http://Bücher.localhost:{receiver.port}/hooks", "events": ["patient.linked"]},
        desk.token,
    )
    endpoint = data["createWebhookEndpoint"]["endpoint"]
    kept = f"http://xn--bcher-kva.localhost:{receiver.port}/hooks"
    assert endpoint["url"] == kept
    assert (await gql(SEND_TEST, {"id": endpoint["id"]}, desk.token))["sendTestWebhook"][
        "eventType"
    ] == "webhook.test"
    [delivery] = await arrived(receiver, 1)
    assert delivery.headers["host"] == f"xn--bcher-kva.localhost:{receiver.port}"

    # A change of URL is read the same way; a refused one leaves the kept one.
    moved = (
        await gql(
            UPDATE,
            {"id": endpoint["id"], "url": f"http://[::FFFF:127.0.0.1]:{receiver.port}/hooks"},
            desk.token,
        )
    )["updateWebhookEndpoint"]
    assert moved["url"] == f"http://[::ffff:7f00:1]:{receiver.port}/hooks"
    refused = (await gql(UPDATE, {"id": endpoint["id"], "url": "http://127.1/"}, desk.token))[
        "updateWebhookEndpoint"
    ]
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "url")
    rows = await deliveries_in_db(deps)
    assert len(rows) == 1 and len(receiver.received) == 1
