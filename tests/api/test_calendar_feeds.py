"""Private calendar feeds: a patient's user sees their patients' visits, a practitioner
their diary, any calendar app parses it; a guessed or revoked URL is 404, and guessing is
limited per address."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from icalendar import Calendar

from domain.actors import UserKind
from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

RESET = "mutation { resetCalendarFeed { __typename ... on CalendarFeed { url } ... on Problem { code } } }"
URL = "{ calendarFeedUrl }"


async def reset(gql: GraphQL, token: str) -> str:
    made = (await gql(RESET, token=token))["resetCalendarFeed"]
    assert made["__typename"] == "CalendarFeed", made
    return str(urlsplit(made["url"]).path)


async def test_a_patients_user_subscribes_to_their_patients_visits_without_notes(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna, other = await factories.patient(deps), await factories.patient(deps, name="Someone Else")
    user = await factories.user(deps, patients=(anna,))
    mine = await factories.appointment(
        deps, diary, start=factories.slot_start(days=2), patient=anna
    )
    await factories.appointment(
        deps, diary, start=factories.slot_start(days=2, hour=12), patient=other
    )
    async with deps.database.writer() as session:
        row = await session.get(type(mine), mine.id)
        assert row is not None
        row.note = "Knee pain since the fall"
        await session.commit()
    assert (await gql(URL, token=user.token))["calendarFeedUrl"] is None

    path = await reset(gql, user.token)
    response = await gql.client.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "max-age" in response.headers["cache-control"]
    calendar = Calendar.from_ical(response.text)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == factories.slot_start(days=2)
    assert str(event["UID"]).startswith(f"appointment-{mine.id}@")
    assert "Knee" not in response.text and "Someone Else" not in response.text
    assert calendar.walk("VTIMEZONE")
    assert urlsplit((await gql(URL, token=user.token))["calendarFeedUrl"]).path == path


async def test_a_practitioner_subscribes_to_their_diary_only(gql: GraphQL, deps: Deps) -> None:
    mine, theirs = (
        await factories.online_practitioner(deps),
        await factories.online_practitioner(deps, name="Jon Berg"),
    )
    anna = await factories.patient(deps)
    await factories.appointment(deps, mine, start=factories.slot_start(days=2), patient=anna)
    await factories.appointment(
        deps, theirs, start=factories.slot_start(days=2, hour=12), patient=anna
    )
    maria = await factories.user(
        deps, kind=UserKind.PRACTITIONER, practitioner_id=mine.practitioner.id
    )

    text = (await gql.client.get(await reset(gql, maria.token))).text

    assert len(Calendar.from_ical(text).walk("VEVENT")) == 1
    assert "Anna" not in text


async def test_a_revoked_or_forged_url_is_not_found_and_staff_have_no_feed(
    gql: GraphQL, deps: Deps
) -> None:
    user = await factories.user(deps, patients=(await factories.patient(deps),))
    old = await reset(gql, user.token)
    new = await reset(gql, user.token)
    desk = await factories.staff(deps)

    assert (await gql.client.get(old)).status_code == 404
    assert (await gql.client.get(new)).status_code == 200
    assert (await gql.client.get(new[:-8] + "AAAA.ics")).status_code == 404
    assert (await gql.client.get("/calendar/1.x.ics")).status_code == 404
    assert (await gql(RESET, token=desk.token))["resetCalendarFeed"]["code"] == "NOT_ALLOWED"


async def test_guessing_feed_urls_is_limited_per_address(
    from_address: Callable[[str], GraphQL], deps: Deps
) -> None:
    guesser, neighbour = from_address("203.0.113.7"), from_address("203.0.113.8")
    answers = [
        (await guesser.client.get(f"/calendar/{n}.guess.ics")).status_code for n in range(40)
    ]

    assert set(answers[:30]) == {404} and answers[-1] == 429
    assert (await neighbour.client.get("/calendar/1.guess.ics")).status_code == 404
