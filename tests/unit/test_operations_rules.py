"""Who may read what operators read, and what may become a label or a log field."""

from __future__ import annotations

import pytest

from domain.actors import Actor, ClientKind, UserKind
from domain.policy import may_read_operations, may_see_readiness_detail
from portal.operations import metrics
from portal.operations.request_facts import caller_kind, request_id_from


@pytest.mark.parametrize(
    ("production", "token_given", "from_loopback", "allowed"),
    [
        (True, True, False, True),
        (True, False, True, False),  # production: this machine is not enough
        (True, False, False, False),
        (False, False, True, True),  # development: this machine may look
        (False, False, False, False),
        (False, True, False, True),
    ],
)
def test_metrics_are_for_the_token_and_in_development_for_this_machine(
    production: bool, token_given: bool, from_loopback: bool, allowed: bool
) -> None:
    assert (
        may_read_operations(
            production=production,
            token_given=token_given,
            from_loopback=from_loopback,
        )
        is allowed
    )


def test_what_readiness_found_is_told_in_production_only_to_the_token() -> None:
    assert may_see_readiness_detail(production=True, token_given=True)
    assert not may_see_readiness_detail(production=True, token_given=False)
    assert may_see_readiness_detail(production=False, token_given=False)


@pytest.mark.parametrize(
    "sent", ["abc-123", "lb.7f3a:9_x", "A" * 100, "0af7651916cd43dd8448eb211c80319c"]
)
def test_a_well_formed_request_id_is_kept(sent: str) -> None:
    assert request_id_from(sent) == sent


@pytest.mark.parametrize(
    "sent",
    [None, "", "A" * 101, "anna@example.com", 'x"}\n{"admin":true}', "a b", "ü", "a/b"],
)
def test_anything_else_is_replaced_by_an_id_made_here(sent: str | None) -> None:
    made = request_id_from(sent)

    assert made != sent
    assert len(made) == 32 and all(c in "0123456789abcdef" for c in made)


def test_a_caller_is_named_by_kind_never_by_who() -> None:
    patient = Actor(user_id=7, kind=UserKind.PATIENT, patient_ids=frozenset({3}))
    staff = Actor(user_id=8, kind=UserKind.STAFF)
    client = Actor(user_id=9, kind=ClientKind.API_CLIENT, scopes=frozenset(), client_id=42)

    assert caller_kind(None) == "anonymous"
    assert caller_kind(patient) == "patient"
    assert caller_kind(staff) == "staff"
    assert caller_kind(client) == "client:42"


def test_operation_names_become_labels_only_while_few_and_well_formed() -> None:
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("") == "anonymous"
    assert metrics.operation_label("Hold") == "Hold"
    assert metrics.operation_label("not a name") == "other"
    assert metrics.operation_label("x" * 65) == "other"
    for n in range(metrics.MAX_OPERATION_NAMES + 10):
        metrics.operation_label(f"Unit{n}")
    assert metrics.operation_label("OneMoreName") == "other"
    assert metrics.operation_label("Hold") == "Hold"  # a name already seen stays
