"""/health in production tells anyone not signed in as staff only that the process is
up; staff, and anyone in development, also see what the process holds."""

from __future__ import annotations

from domain.actors import UserKind
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.apps import client_of
from tests.support import GraphQL

DETAIL = {"subscriptions", "subscriptionsStarted", "sharedFeeds"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_in_production_only_staff_see_more_than_up(settings: Settings, deps: Deps) -> None:
    patient = await factories.user(deps)
    practitioner = await factories.user(deps, kind=UserKind.PRACTITIONER)
    desk = await factories.staff(deps)
    async with client_of(settings, environment="production") as api:
        anyone = await api.client.get("/health")
        as_patient = await api.client.get("/health", headers=bearer(patient.token))
        as_practitioner = await api.client.get("/health", headers=bearer(practitioner.token))
        as_staff = await api.client.get("/health", headers=bearer(desk.token))
        wrong_token = await api.client.get("/health", headers=bearer("not-a-token"))

    for up in (anyone, as_patient, as_practitioner):
        assert up.status_code == 200
        assert up.json() == {"status": "ok"}
    assert as_staff.status_code == 200
    assert as_staff.json()["status"] == "ok"
    assert set(as_staff.json()) >= DETAIL
    assert wrong_token.status_code == 401  # as everywhere, never quietly anonymous


async def test_in_development_anyone_sees_what_the_process_holds(gql: GraphQL) -> None:
    response = await gql.client.get("/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()) >= DETAIL
