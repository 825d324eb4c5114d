"""Prometheus metrics, with `prometheus-client`.

One process: its own registry. Several processes on one host (`portal serve --processes
N`): prometheus-client's multiprocess mode, each process writing its figures to files in
`PROMETHEUS_MULTIPROC_DIR` (wiped when the processes start) and any of them answering the
sum. Processes on several hosts are scraped one by one (each its own target) and summed
in Prometheus. The backlog (emails, webhook deliveries) is the database's, read at each
scrape, so it is the same whichever process answers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

from persistence.operations import Backlog
from resolvers.facts import Fact

CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

#: Operation names beyond this many distinct ones per process are counted as "other":
#: names are the client's to choose, and each is a time series.
MAX_OPERATION_NAMES = 200
ANONYMOUS = "anonymous"
OTHER = "other"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_seen_names: set[str] = set()

#: From a cached read (a few ms) to the operation time limit (10 s).
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

OPERATION_SECONDS = Histogram(
    "portal_graphql_operation_seconds",
    "GraphQL operations, from parsing to the answer, by type and name (unnamed ones as "
    "'anonymous').",
    ["type", "name"],
    buckets=SECONDS,
)
ANSWERS = Counter(
    "portal_graphql_answers",
    "GraphQL answers by operation and outcome: ok, the Problem's type, or the error's code.",
    ["type", "name", "outcome"],
)
HTTP_SECONDS = Histogram(
    "portal_http_request_seconds",
    "HTTP requests by route and method.",
    ["route", "method"],
    buckets=SECONDS,
)
HTTP_ANSWERS = Counter(
    "portal_http_responses",
    "HTTP answers by route and status class (2xx … 5xx).",
    ["route", "status"],
)
HOLDS = Counter("portal_holds", "Holds placed, released and lapsed.", ["event"])
REQUESTS_ANSWERED = Counter(
    "portal_booking_requests_answered",
    "Booking requests accepted or rejected by staff.",
    ["answer"],
)
OFFERS = Counter(
    "portal_waitlist_offers", "Waitlist offers made, taken, declined and lapsed.", ["event"]
)
REFUSALS = Counter(
    "portal_rate_limit_refusals", "Attempts refused by a limit, by what was limited.", ["limit"]
)
WEBSOCKETS = Gauge("portal_websockets_open", "Websockets open.", multiprocess_mode="livesum")
SUBSCRIPTIONS = Gauge(
    "portal_subscriptions_open",
    "Live subscriptions open (each counted once at the broadcaster, shared feeds included).",
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "portal_database_connections_in_use",
    "Database connections checked out of the pools.",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "portal_database_pool_size",
    "Connections the pools keep open (beyond them, overflow connections).",
    multiprocess_mode="livesum",
)

_FACTS: dict[Fact, tuple[Counter, str]] = {
    Fact.HOLD_PLACED: (HOLDS, "placed"),
    Fact.HOLD_RELEASED: (HOLDS, "released"),
    Fact.HOLD_LAPSED: (HOLDS, "lapsed"),
    Fact.REQUEST_ACCEPTED: (REQUESTS_ANSWERED, "accepted"),
    Fact.REQUEST_REJECTED: (REQUESTS_ANSWERED, "rejected"),
    Fact.OFFER_MADE: (OFFERS, "made"),
    Fact.OFFER_TAKEN: (OFFERS, "taken"),
    Fact.OFFER_DECLINED: (OFFERS, "declined"),
    Fact.OFFER_LAPSED: (OFFERS, "lapsed"),
}


def observe_fact(fact: Fact, detail: str, amount: int) -> None:
    """`Deps.facts`' observer: a use case's fact on its counter."""
    if fact is Fact.REFUSED:
        REFUSALS.labels(detail or OTHER).inc(amount)
        return
    counter, label = _FACTS[fact]
    counter.labels(label).inc(amount)


def operation_label(name: str | None) -> str:
    """The operation's name as a label: 'anonymous' when it has none, 'other' past the
    first `MAX_OPERATION_NAMES` names (or for a name GraphQL would not accept)."""
    if not name:
        return ANONYMOUS
    if name in _seen_names:
        return name
    if len(_seen_names) >= MAX_OPERATION_NAMES or not _NAME.fullmatch(name):
        return OTHER
    _seen_names.add(name)
    return name


class _BacklogCollector(Collector):
    def __init__(self, backlog: Backlog) -> None:
        self.backlog = backlog

    def collect(self) -> Iterable[Metric]:
        backlog = self.backlog
        yield GaugeMetricFamily(
            "portal_email_outbox_pending", "Emails not yet sent.", value=backlog.emails
        )
        yield GaugeMetricFamily(
            "portal_email_outbox_oldest_seconds",
            "Age of the oldest email not yet sent (0 when none waits).",
            value=backlog.oldest_email_seconds,
        )
        yield GaugeMetricFamily(
            "portal_webhook_backlog_pending",
            "Webhook deliveries not yet delivered or given up.",
            value=backlog.webhooks,
        )
        yield GaugeMetricFamily(
            "portal_webhook_backlog_oldest_seconds",
            "Age of the oldest webhook delivery pending (0 when none waits).",
            value=backlog.oldest_webhook_seconds,
        )

    def describe(self) -> Iterable[Metric]:
        return []


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


def exposition(backlog: Backlog) -> bytes:
    """The text a scrape answers: this process's (or, in multiprocess mode, every
    process's) figures, then the database's backlog."""
    if multiprocess_mode():
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry()
    database.register(_BacklogCollector(backlog))
    return generate_latest(processes) + generate_latest(database)
