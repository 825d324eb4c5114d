"""The cost table: what each list field may hold and what each field costs beyond the
objects it returns, keyed by GraphQL type and field name (`schema.guards.cost` walks an
operation with it)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

#: The default budget: twelve times the heaviest operation the example pages, the Python
#: examples and the tests send (a registration, 4 012); see docs/decisions.md.
DEFAULT_BUDGET = 50_000

#: Free slots a day for one practitioner and service, at most: 30-minute slots over a
#: ten-hour day (shorter services are rare; the estimate need not be exact).
SLOTS_PER_DAY = 20
#: Appointments a day in one practitioner's diary; visits a day of one patient.
APPOINTMENTS_PER_DAY = 20
VISITS_PER_DAY = 2
#: The widest windows the resolvers accept (a window may also end part-way into a day).
SLOT_WINDOW_DAYS = 62 + 1
VISIT_WINDOW_DAYS = 3 * 366 + 1
#: A list without a bound of its own.
DEFAULT_LIST_BOUND = 20

Arguments = Mapping[str, Any]
#: How many items a list field may hold, from its own arguments and its parent's.
Bound = Callable[[Arguments, Arguments], int]


def window_days(arguments: Arguments, widest: int) -> int:
    """Days touched by `from`..`to`, at least 1; the widest window when unknown."""
    start, end = arguments.get("from"), arguments.get("to")
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return widest
    try:
        seconds = (end - start).total_seconds()
    except TypeError:  # one of them without an offset: the resolver refuses it
        return 1
    return min(widest, max(1, math.ceil(seconds / 86_400)))


def fixed(items: int) -> Bound:
    return lambda _own, _parent: items


def per_day(rate: int, widest: int, *, of_parent: bool = False) -> Bound:
    def bound(own: Arguments, parent: Arguments) -> int:
        return rate * window_days(parent if of_parent else own, widest)

    return bound


def as_many_as(argument: str) -> Bound:
    """As many items as the parent field was given ids (bulk mutations)."""

    def bound(_own: Arguments, parent: Arguments) -> int:
        given = parent.get(argument)
        return len(given) if isinstance(given, list | tuple) else DEFAULT_LIST_BOUND

    return bound


def page_of(argument: str, default: int, widest: int) -> Bound:
    """A connection's edges: as many as the parent field's `first` asks, within its cap."""

    def bound(_own: Arguments, parent: Arguments) -> int:
        asked = parent.get(argument)
        return min(widest, asked if isinstance(asked, int) else default)

    return bound


def page_size(_own: Arguments, parent: Arguments) -> int:
    """A connection's edges: as many as the connection field's `first` or `last` asks
    for (the default page when neither is given); more than a page may hold is refused
    by the field, so it is priced as a full page and the client hears why."""
    for name in ("first", "last"):
        asked = parent.get(name)
        if isinstance(asked, int) and not isinstance(asked, bool):
            return min(max(asked, 0), MAX_PAGE_SIZE)
    return DEFAULT_PAGE_SIZE


#: Every connection type's list of edges is bounded by its page (see `bound_of`).
CONNECTION_EDGES = "Connection.edges"
#: Counting a whole list (`totalCount`) reads every row it counts; priced as a full page.
COUNT_COST = MAX_PAGE_SIZE


def bound_of(key: str) -> Bound | None:
    """The bound of a list field (`Type.field`): its own entry, or a page for the edges
    of any connection."""
    if key in LIST_BOUNDS:
        return LIST_BOUNDS[key]
    if key.endswith(CONNECTION_EDGES):
        return page_size
    return None


def field_cost(key: str) -> int:
    """What a field costs beyond the objects it returns."""
    if key.endswith("Connection.totalCount"):
        return COUNT_COST
    return FIELD_COSTS.get(key, 0)


LIST_BOUNDS: dict[str, Bound] = {
    "Query.locations": fixed(10),
    "Query.services": fixed(20),
    "Query.practitioners": fixed(20),
    "Query.patients": fixed(200),  # the search's own cap
    "Query.pendingRequests": fixed(50),
    "Query.onlineRegistrations": fixed(50),
    "Query.patientMatches": fixed(20),
    "Query.invitations": fixed(20),
    "Query.diary": per_day(APPOINTMENTS_PER_DAY, SLOT_WINDOW_DAYS),
    "Query.visits": per_day(VISITS_PER_DAY, VISIT_WINDOW_DAYS),
    "Availability.slots": per_day(SLOTS_PER_DAY, SLOT_WINDOW_DAYS, of_parent=True),
    "Practitioner.sessions": fixed(7),  # a series per weekday
    "Practitioner.services": fixed(10),
    "User.patients": fixed(10),  # the user and their family
    "Patient.users": fixed(5),
    "Query.mySessions": fixed(20),
    "PatientChoiceRequired.candidates": fixed(10),
    "BulkInviteResult.invited": as_many_as("patientIds"),
    "BulkInviteResult.skipped": as_many_as("patientIds"),
    "Query.apiClients": fixed(50),
    "Query.apiClientCalls": lambda own, _parent: (
        min(500, own["last"]) if isinstance(own.get("last"), int) else 50
    ),
    "ApiClient.scopes": fixed(5),
    "Query.webhookEndpoints": fixed(50),  # domain.webhooks.MAX_ENDPOINTS per owner
    "WebhookDeliveryConnection.edges": page_of("first", 20, 100),
}

#: Work a resolver does beyond the objects it returns: one argon2 hash takes as long as
#: building some 4 000 objects.
FIELD_COSTS: dict[str, int] = {
    "Mutation.login": 4_000,
    "Mutation.register": 4_000,
    "Mutation.setUpAccount": 4_000,
    "Mutation.resetPassword": 4_000,
    "Mutation.changePassword": 8_000,  # checks the old one, hashes the new one
    "Mutation.createApiClient": 4_000,
    "Mutation.rotateApiClientSecret": 4_000,
}
