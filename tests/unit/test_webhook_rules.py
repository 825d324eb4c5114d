"""Webhook rules with no database: which change is which event, which URLs and
addresses are refused, and when a failed delivery is tried again."""

from __future__ import annotations

import ipaddress
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from domain.actors import Actor, UserKind
from domain.appointments import AppointmentStatus as S
from domain.appointments import PatientResponse as R
from domain.errors import InvalidInput
from domain.policy import may_manage_webhook_endpoint, may_manage_webhooks
from domain.webhook_events import CATALOGUE, EventType, appointment_events
from domain.webhook_events import EventType as E
from domain.webhook_urls import UnsafeAddress, check_addresses, check_url, may_send_to
from domain.webhooks import (
    LONGEST_RETRY_AFTER,
    Outcome,
    new_secret,
    next_attempt,
    outcome_of,
    parse_retry_after,
    readable,
)
from portal.workers.webhook_sender import HttpSender, signed_headers
from resolvers.webhooks.deliver import Signed

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before", "after", "events"),
    [
        (None, (S.TEMPORARY, R.NONE), []),
        ((S.TEMPORARY, R.NONE), (S.REQUESTED, R.NONE), [E.APPOINTMENT_REQUESTED]),
        ((S.TEMPORARY, R.NONE), (S.PROVISIONAL, R.NONE), [E.APPOINTMENT_REQUESTED]),
        ((S.LAPSED, R.NONE), (S.BOOKED, R.NONE), [E.APPOINTMENT_BOOKED]),
        ((S.TEMPORARY, R.NONE), (S.LAPSED, R.NONE), []),
        ((S.TEMPORARY, R.NONE), (S.CANCELLED, R.NONE), []),
        ((S.PROVISIONAL, R.NONE), (S.REQUESTED, R.NONE), []),
        ((S.PROVISIONAL, R.NONE), (S.BOOKED, R.NONE), [E.APPOINTMENT_BOOKED]),
        ((S.REQUESTED, R.NONE), (S.BOOKED, R.NONE), [E.APPOINTMENT_BOOKED]),
        ((S.REQUESTED, R.NONE), (S.REJECTED, R.NONE), [E.APPOINTMENT_REJECTED]),
        (None, (S.BOOKED, R.NONE), [E.APPOINTMENT_BOOKED]),
        ((S.BOOKED, R.NONE), (S.BOOKED, R.CONFIRMED), [E.APPOINTMENT_PATIENT_CONFIRMED]),
        ((S.BOOKED, R.NONE), (S.BOOKED, R.CANCEL_REQUESTED), [E.APPOINTMENT_CANCEL_REQUESTED]),
        (
            (S.BOOKED, R.CANCEL_REQUESTED),
            (S.BOOKED, R.NONE),
            [E.APPOINTMENT_UNCANCEL_REQUESTED],
        ),
        (
            (S.BOOKED, R.CANCEL_REQUESTED),
            (S.BOOKED, R.CONFIRMED),
            [E.APPOINTMENT_UNCANCEL_REQUESTED, E.APPOINTMENT_PATIENT_CONFIRMED],
        ),
        ((S.BOOKED, R.CONFIRMED), (S.BOOKED, R.NONE), []),
        ((S.BOOKED, R.CONFIRMED), (S.BOOKED, R.CONFIRMED), []),
        (
            (S.BOOKED, R.CANCEL_REQUESTED),
            (S.CANCELLED, R.CANCEL_REQUESTED),
            [E.APPOINTMENT_CANCELLED],
        ),
        ((S.BOOKED, R.NONE), (S.COMPLETED, R.NONE), [E.APPOINTMENT_COMPLETED]),
    ],
)
def test_a_change_of_an_appointment_is_the_event_partners_expect(
    before: tuple[S, R] | None, after: tuple[S, R], events: list[E]
) -> None:
    assert appointment_events(before, after) == events


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:a00:1::",
        "2001:db8::1",
        "fec0::1",  # site-local: is_global says yes on some Pythons
        "feff::1",
        "::127.0.0.1",  # IPv4-compatible
        "64:ff9b:1::1",
        "100::1",
        "2001:20::1",
        "3fff::1",
        "5f00::1",
        "4000::1",  # outside global unicast (2000::/3)
        "192.88.99.1",
        "198.18.0.1",
        "198.51.100.7",
        "203.0.113.7",
    ],
)
def test_no_webhook_goes_to_a_local_private_or_reserved_address(address: str) -> None:
    assert not may_send_to(ipaddress.ip_address(address), allow_loopback=False)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "1.1.1.1"])
def test_public_addresses_are_fine(address: str) -> None:
    assert may_send_to(ipaddress.ip_address(address), allow_loopback=False)


def test_loopback_only_where_allowed_and_never_private_even_then() -> None:
    assert may_send_to(ipaddress.ip_address("127.0.0.1"), allow_loopback=True)
    assert may_send_to(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True)
    assert not may_send_to(ipaddress.ip_address("10.0.0.1"), allow_loopback=True)


def test_a_name_with_one_bad_address_is_refused_whole() -> None:
    good, bad = ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.1")
    assert check_addresses([good], allow_loopback=False) == good
    with pytest.raises(UnsafeAddress):
        check_addresses([good, bad], allow_loopback=False)
    with pytest.raises(UnsafeAddress):
        check_addresses([], allow_loopback=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example/hooks",  # http in production
        "https://partner.example:0/hooks",
        "https://user@partner.example/hooks",
        "https://:pw@partner.example/hooks",
        "https://partner.example/hooks\n",
        "https://part\x00ner.example/",
        "https://" + "a" * 64 + ".example/",
        "https://[::1/",
        "https://localhost./",
        "https://x.localhost/",
        " ",
    ],
)
def test_bad_urls_are_refused_in_production(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_url(url, allow_http=False, allow_loopback=False)
    assert refused.value.field == "url"


def test_good_urls_pass() -> None:
    checked = check_url(
        "https://partner.example:8443/hooks?x=1", allow_http=False, allow_loopback=False
    )
    assert (checked.host, checked.port, checked.address) == ("partner.example", 8443, None)
    assert check_url("http://127.0.0.1:9/h", allow_http=True, allow_loopback=True).address


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://0135.0270.0330.042/hook", "four decimal numbers"),  # octal
        ("https://0177.0.0.1/", "four decimal numbers"),
        ("https://93.184.216.034/", "four decimal numbers"),  # a leading zero
        ("https://0x5d.0xb8.0xd8.0x22/", "four decimal numbers"),  # hex
        ("https://0x5db8d822/", "four decimal numbers"),
        ("https://1572395042/", "four decimal numbers"),  # one decimal number
        ("https://93.184.55330/", "four decimal numbers"),  # shortened
        ("https://127.1/", "four decimal numbers"),
        ("https://1.2.3.4.5/", "four decimal numbers"),
        ("https://partner.123/", "four decimal numbers"),  # ends in a number (WHATWG)
        ("https://%31%32%37.0.0.1/", "four decimal numbers"),
        ("https://[fec0::1]/hooks", "private or local"),  # site-local
        ("https://[fe80::1%25eth0]/", "private or local"),  # a zone
        ("https://[::127.0.0.1]/", "private or local"),
        ("https://ⓟrobe-public.test/hooks", "host name is not valid"),  # IDNA 2008 refuses
        (
            "https://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
            "host name is not valid",
        ),  # full-width digits
        ("https://xn--zz.example/", "host name is not valid"),  # a false A-label
        ("https://xn--ls8h.example/", "host name is not valid"),  # an emoji's A-label
        ("https://-partner.example/", "host name is not valid"),
        ("https://part!ner.example/", "host name is not valid"),
        ("https://a..example/", "host name is not valid"),
        ("https://partner.example:99999/", "port is not valid"),
        ("https://partner.example\\@evil.example/", "user name or password"),
    ],
)
def test_non_canonical_or_non_public_hosts_are_refused_even_in_development(
    url: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_url(url, allow_http=True, allow_loopback=True)
    assert refused.value.field == "url"
    assert says in refused.value.message


@pytest.mark.parametrize(
    ("url", "kept", "host"),
    [
        ("https://Bücher.Example/hooks", "https://xn--bcher-kva.example/hooks", None),
        ("https://xn--bcher-kva.example/hooks", "https://xn--bcher-kva.example/hooks", None),
        ("https://faß.example/", "https://xn--fa-hia.example/", None),  # IDNA 2008: no "ss"
        ("HTTPS://PARTNER.EXAMPLE:443/A?b=C", "https://partner.example/A?b=C", None),
        ("https://partner.example./hooks", "https://partner.example/hooks", None),
        ("https://partner.example/ü?q=ä", "https://partner.example/%C3%BC?q=%C3%A4", None),
        ("https://93.184.216.34./h", "https://93.184.216.34/h", "93.184.216.34"),
        ("https://93。184。216。34/h", "https://93.184.216.34/h", "93.184.216.34"),
        (
            "https://[2606:2800:0220:0001:0:0:0:1]:8443/h",
            "https://[2606:2800:220:1::1]:8443/h",
            "2606:2800:220:1::1",
        ),
    ],
)
def test_urls_are_kept_as_the_sender_requests_them(url: str, kept: str, host: str | None) -> None:
    checked = check_url(url, allow_http=False, allow_loopback=False)
    assert checked.url == kept
    assert str(httpx.URL(kept)) == kept  # the sender's parser reads it back unchanged
    assert check_url(kept, allow_http=False, allow_loopback=False) == checked
    assert (str(checked.address) if checked.address else None) == host


async def test_a_stored_url_the_rules_refuse_is_a_failed_attempt_not_an_exception() -> None:
    """Nothing is connected to: the sender refuses it before httpx is asked."""
    sender = HttpSender(timeout_seconds=5, allow_loopback=True)
    try:
        for url in ("http://0177.0.0.1:9/h", "http://ⓛocalhost:9/h", "http://[fec0::1]:9/h"):
            attempt = await sender.send(Signed(url, "msg_1", "{}", (new_secret(),)))
            assert attempt.status_code is None
            assert (attempt.error or "").startswith("refused: "), attempt.error
    finally:
        await sender.aclose()


def test_a_reason_is_kept_printable_and_short() -> None:
    assert readable("bad\x00host\n" + "x" * 600) == "bad?host?" + "x" * 491
    assert readable(None) is None


def test_retries_back_off_with_jitter_and_honour_retry_after() -> None:
    rng = random.Random(1)
    waits = [next_attempt(n, NOW, rng=rng) - NOW for n in range(1, 30)]
    assert timedelta(seconds=4) <= waits[0] <= timedelta(seconds=6)
    assert all(w <= timedelta(hours=1.2) for w in waits)
    assert waits[-1] >= timedelta(minutes=48)
    assert next_attempt(1, NOW, timedelta(seconds=120), rng) - NOW >= timedelta(seconds=120)
    assert next_attempt(1, NOW, timedelta(days=30), rng) - NOW == LONGEST_RETRY_AFTER


def test_retry_after_as_seconds_or_a_date() -> None:
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after("Tue, 01 Dec 2026 09:05:00 GMT", NOW) == timedelta(minutes=5)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (None, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (429, Outcome.RETRY),
        (408, Outcome.RETRY),
        (400, Outcome.GIVE_UP),
        (401, Outcome.GIVE_UP),
        (404, Outcome.GIVE_UP),
        (410, Outcome.GIVE_UP),
        (301, Outcome.GIVE_UP),
    ],
)
def test_which_answers_are_tried_again(status: int | None, outcome: Outcome) -> None:
    assert outcome_of(status) is outcome


def test_headers_carry_one_signature_per_secret_each_verifiable() -> None:
    old, new = new_secret(), new_secret()
    at = datetime.now(UTC)
    headers = signed_headers((new, old), "msg_1", '{"type":"x"}', at)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify('{"type":"x"}', headers) == {"type": "x"}


def test_staff_and_clients_with_the_scope_manage_webhooks_clients_only_their_own() -> None:
    staff = Actor(user_id=1, kind=UserKind.STAFF)
    patient = Actor(user_id=2, kind=UserKind.PATIENT)
    client = Actor(
        user_id=3, kind=UserKind.PATIENT, scopes=frozenset({"webhooks:manage"}), client_id=7
    )
    reader = Actor(
        user_id=3, kind=UserKind.PATIENT, scopes=frozenset({"appointments:read"}), client_id=8
    )
    assert may_manage_webhooks(staff) and may_manage_webhooks(client)
    assert not may_manage_webhooks(patient) and not may_manage_webhooks(reader)
    assert not may_manage_webhooks(None)
    assert may_manage_webhook_endpoint(staff, None) and may_manage_webhook_endpoint(staff, 7)
    assert may_manage_webhook_endpoint(client, 7)
    assert not may_manage_webhook_endpoint(client, 8) and not may_manage_webhook_endpoint(
        client, None
    )
    assert not may_manage_webhook_endpoint(reader, 8)


def test_the_partner_docs_show_an_example_of_every_event_in_the_catalogue() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "partners.md").read_text()
    section = text[text.index("## Webhooks") :]
    examples = {
        name: json.loads(body)
        for name, body in re.findall(r"#### `([a-z_.]+)`.*?```json\n(.*?)```", section, re.S)
    }
    assert set(examples) == {t.value for t in CATALOGUE} | {EventType.WEBHOOK_TEST.value}
    for name, example in examples.items():
        assert example["type"] == name and example["version"] == 1
