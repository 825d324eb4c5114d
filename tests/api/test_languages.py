"""Problem messages in the reader's language: Accept-Language among the clinic's
languages, else the user's own, else the clinic's; code, type and every other field
the same in each."""

from __future__ import annotations

import asyncio
from typing import Any

from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import HOLD
from tests.api.test_visits import CANCEL
from tests.mailbox import Mailbox
from tests.support import GraphQL

TAKEN_EN = "Someone else has just taken this time; choose another."
TAKEN_DE = "Jemand anderes hat diese Zeit gerade genommen; bitte wählen Sie eine andere."
SET_LANGUAGE = """
mutation($language: String) {
  setMyLanguage(language: $language) {
    __typename ... on User { language } ... on Problem { code message } ... on InvalidInput { field }
  }
}
"""


async def held_by(gql: GraphQL, token: str, diary: factories.Diary, language: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if language is not None:
        headers["Accept-Language"] = language
    variables = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": factories.slot_start(days=3).isoformat(),
    }
    answer = await gql.client.post(
        "/graphql", json={"query": HOLD, "variables": variables}, headers=headers
    )
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]["hold"]


async def test_the_same_failed_hold_in_german_and_in_english(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    first, second = await factories.user(deps), await factories.user(deps)
    assert (await held_by(gql, first.token, diary, None))["__typename"] == "Hold"

    german = await held_by(gql, second.token, diary, "de-DE,de;q=0.9,en;q=0.8")
    english = await held_by(gql, second.token, diary, "en-GB,en;q=0.9")
    fallback = await held_by(gql, second.token, diary, "fr-FR, fr;q=0.9")

    assert german == {
        "__typename": "SlotUnavailable",
        "code": "SLOT_UNAVAILABLE",
        "message": TAKEN_DE,
    }
    assert english == {
        "__typename": "SlotUnavailable",
        "code": "SLOT_UNAVAILABLE",
        "message": TAKEN_EN,
    }
    assert fallback["message"] == TAKEN_EN  # no language it speaks: the user's, the clinic's


async def test_without_accept_language_the_users_then_the_clinics_language(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    holder, reader = await factories.user(deps), await factories.user(deps)
    await held_by(gql, holder.token, diary, None)

    chose = await gql(SET_LANGUAGE, {"language": "de"}, token=reader.token)
    own = await held_by(gql, reader.token, diary, None)
    asked = await held_by(gql, reader.token, diary, "en")
    await gql(SET_LANGUAGE, {"language": None}, token=reader.token)
    await factories.set_clinic(deps, language="de")
    clinics = await held_by(gql, reader.token, diary, None)

    assert chose["setMyLanguage"] == {"__typename": "User", "language": "de"}
    assert (own["message"], asked["message"], clinics["message"]) == (TAKEN_DE, TAKEN_EN, TAKEN_DE)


async def test_values_in_a_message_are_put_into_the_translation(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps)
    headers = {"Authorization": f"Bearer {user.token}", "Accept-Language": "de"}

    answer = await gql.client.post(
        "/graphql",
        json={"query": SET_LANGUAGE, "variables": {"language": "fr"}},
        headers=headers,
    )

    assert answer.json()["data"]["setMyLanguage"] == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": "Wählen Sie eine Sprache der Praxis: en, de.",
        "field": "language",
    }


async def test_a_language_is_one_the_clinic_speaks_and_only_a_person_sets_their_own(
    gql: GraphQL, deps: Deps
) -> None:
    user = await factories.user(deps)

    huge = await gql(SET_LANGUAGE, {"language": "de" * 50_000}, token=user.token)
    hostile = await gql(SET_LANGUAGE, {"language": "de\u202e"}, token=user.token)
    anonymous = await gql(SET_LANGUAGE, {"language": "de"})

    assert huge["setMyLanguage"]["__typename"] == "InvalidInput"
    assert hostile["setMyLanguage"]["__typename"] == "InvalidInput"
    assert anonymous["setMyLanguage"]["__typename"] == "NotAllowed"


async def test_the_notice_a_cancel_request_answers_with_is_in_the_readers_language(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    visits = [
        await factories.appointment(deps, diary, start=factories.slot_start(3, hour), patient=anna)
        for hour in (10, 11)
    ]
    answers = []
    for visit, language in zip(visits, ("de", "en"), strict=True):
        answer = await gql.client.post(
            "/graphql",
            json={"query": CANCEL, "variables": {"id": str(visit.id)}},
            headers={"Authorization": f"Bearer {user.token}", "Accept-Language": language},
        )
        answers.append(answer.json()["data"]["cancelVisit"])

    german, english = answers
    assert german["notice"].startswith("Ihr Absagewunsch wurde an die Praxis gesendet.")
    assert english["notice"].startswith("Your cancellation request was sent to the clinic.")
    assert german["appointment"] == english["appointment"]


async def test_a_thousand_changes_a_minute_each_answer_the_last_stands_and_nobody_is_written_to(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    """setMyLanguage changes only the caller's own row and tells nobody: a script calling
    it 1,000 times, 50 at once, gets 1,000 answers and leaves the language it sent last."""
    user = await factories.user(deps)

    answers = []
    for batch in range(20):
        language = "de" if batch % 2 else "en"
        answers += await asyncio.gather(
            *(gql(SET_LANGUAGE, {"language": language}, token=user.token) for _ in range(50))
        )

    assert [a["setMyLanguage"]["__typename"] for a in answers] == ["User"] * 1_000
    me = await gql("{ me { language } }", token=user.token)
    assert me["me"]["language"] == "de"
    assert await mailbox.wait_for(0) == []
