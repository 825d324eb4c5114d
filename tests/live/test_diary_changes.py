"""A practitioner user watches their own diary live, and nobody else's."""

from __future__ import annotations

import httpx

from domain.actors import UserKind
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import REQUEST, hold
from tests.support import GraphQL, LiveSocket, ServerProcess

MY_DIARY = "subscription { myDiaryChanges { id status patient { name } } }"
LOGOUT = "mutation { logout }"


async def test_a_practitioner_user_hears_their_own_diary_change_and_not_anothers(
    server: ServerProcess, deps: Deps
) -> None:
    maria = await factories.online_practitioner(deps, name="Maria Keller")
    jonas = await factories.online_practitioner(deps, name="Jonas Weber")
    maria_user = await factories.user(
        deps, kind=UserKind.PRACTITIONER, practitioner_id=maria.practitioner.id, name="Maria"
    )
    anna = await factories.patient(deps, name="Anna Schmidt")
    booker = await factories.user(deps, patients=(anna,))
    async with (
        httpx.AsyncClient(base_url=server.url) as client,
        LiveSocket(server.ws_url, maria_user.token) as diary,
    ):
        gql = GraphQL(client)
        await diary.subscribe(MY_DIARY)
        # A hold with Jonas reaches nobody here; the next message is Maria's.
        await hold(gql, jonas, factories.slot_start(hour=9), booker.token)
        held = await hold(gql, maria, factories.slot_start(hour=10), booker.token)
        first = (await diary.next_data())["myDiaryChanges"]
        assert first == {"id": held["appointment"]["id"], "status": "TEMPORARY", "patient": None}

        await gql(REQUEST, {"id": first["id"], "patientId": str(anna.id)}, token=booker.token)
        requested = (await diary.next_data())["myDiaryChanges"]
        assert requested["patient"] == {"name": "Anna Schmidt"}


async def test_a_patient_user_has_no_diary_to_watch(server: ServerProcess, deps: Deps) -> None:
    anna = await factories.user(deps)
    async with LiveSocket(server.ws_url, anna.token) as socket:
        await socket.subscribe(MY_DIARY)
        answer = await socket.receive()
    assert answer["type"] == "error" or answer["payload"].get("errors")
