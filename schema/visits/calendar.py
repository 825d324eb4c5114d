"""calendarFeedUrl and resetCalendarFeed: the user's private calendar feed."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import SIGNED_IN_PERSON
from resolvers.calendar import feeds
from schema.core.access import requires
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.core.problems import NotAllowed, NotFound


@strawberry.type(description="A private calendar feed any calendar app can subscribe to.")
class CalendarFeed:
    url: str = strawberry.field(
        description="The feed's secret URL (iCalendar). Whoever has it sees the feed: resetCalendarFeed revokes it."
    )


CalendarFeedResult = Annotated[
    CalendarFeed | NotAllowed | NotFound,
    strawberry.union("CalendarFeedResult", description="The new feed, or why not."),
]


@strawberry.type
class CalendarQuery:
    @strawberry.field(
        description="A patient's or practitioner's user: their private calendar feed URL (their patients' visits, or their diary, from a month ago to a year ahead); null until made with resetCalendarFeed."
    )
    @requires(SIGNED_IN_PERSON)
    async def calendar_feed_url(self, info: Info) -> str | None:
        return await feeds.calendar_feed_url(info.context.deps, info.context.actor)


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(
        description="Make the user's private calendar feed, or a new one: the previous URL stops working at once."
    )
    @runs(feeds.reset_calendar_feed, lambda url: CalendarFeed(url=url), requires=SIGNED_IN_PERSON)
    async def reset_calendar_feed(self, info: Info) -> CalendarFeedResult: ...
