"""Which subscriptions may share one feed: only a public field alone, keyed by exactly
what was asked."""

from __future__ import annotations

from domain.actors import Actor, ClientKind, UserKind
from portal.live.shared_feeds import feed_key

SLOTS = "subscription($p: ID!) { slotChanges(practitionerId: $p, from: $f, to: $t) { start } }"
STAFF = "subscription { staffNotifications { kind } }"
STAFF_ACTOR = Actor(user_id=1, kind=UserKind.STAFF)
PATIENT = Actor(user_id=2, kind=UserKind.PATIENT, patient_ids=frozenset({7}))


def test_a_public_field_is_shared_by_everyone_asking_the_same() -> None:
    anonymous = feed_key(SLOTS, {"p": "1", "f": "a"}, None, None)
    signed_in = feed_key(SLOTS, {"f": "a", "p": "1"}, None, PATIENT)

    assert anonymous is not None
    assert anonymous == signed_in
    assert feed_key(SLOTS, {"p": "2", "f": "a"}, None, None) != anonymous


def test_fields_that_depend_on_who_asks_are_never_shared() -> None:
    assert feed_key(STAFF, {}, None, STAFF_ACTOR) is None
    assert feed_key("subscription { myAppointmentUpdates { id } }", {}, None, PATIENT) is None


def test_an_api_client_never_joins_a_shared_feed() -> None:
    # Its scopes are checked for it on every event, which a shared run (as a visitor) skips.
    partner = Actor(
        user_id=0,
        kind=ClientKind.API_CLIENT,
        scopes=frozenset({"availability:read"}),
        client_id=3,
    )
    assert feed_key(SLOTS, {"p": "1", "f": "a"}, None, partner) is None


def test_only_a_lone_unaliased_root_field_of_one_subscription_is_shared() -> None:
    both = "subscription { slotChanges(practitionerId: 1) { start } staffNotifications { kind } }"
    aliased = "subscription { s: slotChanges(practitionerId: 1) { start } }"
    fragment = "subscription { ...F } fragment F on Subscription { slotChanges { start } }"
    query = "query { slotChanges { start } }"
    for document in (both, aliased, fragment, query, "subscription {", 42):
        assert feed_key(document, {}, None, None) is None
    assert feed_key(SLOTS, "not a mapping", None, None) is None
