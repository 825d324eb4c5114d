"""Schemathesis hooks for the portal: the response check and hostile scalar values.

Loaded by run_schemathesis.py through SCHEMATHESIS_HOOKS.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from tests.fuzz.oracle import fault


@schemathesis.check
def data_or_coded_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every response is data or a coded error; anything else is a fault of the server."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    found = fault(response.status_code, body)
    if found is not None:
        raise AssertionError(found)
    return None


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


# Mostly plausible values, so the use cases run past their first check, and every kind of
# extreme: years 1 and 9999, offsets up to a minute short of a day, no offset at all.
_NEAR = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))
_DATES = st.one_of(_NEAR, _NEAR, st.dates())
_OFFSETS = st.one_of(
    st.just("Z"),
    st.just(""),
    st.sampled_from(["+14:00", "-12:00", "+01:00", "+05:45"]),
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(_offset),
)
_DATE_TIMES = st.builds(
    lambda day, clock, offset: f"{day.isoformat()}T{clock.isoformat()}{offset}",
    _DATES,
    st.one_of(
        st.times(),
        st.times(min_value=time(8), max_value=time(18)).map(
            lambda t: t.replace(second=0, microsecond=0)
        ),
    ),
    _OFFSETS,
)
# Ids the demo data has, and those that are no id at all.
_IDS = st.one_of(
    st.integers(min_value=1, max_value=12).map(str),
    st.integers(min_value=1, max_value=12).map(str),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(
        ["\u00b2", "\u0661", " 1", "1 ", "0", "007", "1e3", "99999999999", "\x00", "1\x00"]
    ),
    st.text(max_size=20),
)

# Any text, and email addresses (plain or behind a few stray characters) that get past
# the address check and on to the database.
_TEXT = st.one_of(
    st.text(),
    st.emails(),
    st.tuples(st.text(max_size=3), st.emails()).map("".join),
)

schemathesis.graphql.scalar("String", _TEXT.map(nodes.String))
schemathesis.graphql.scalar("Date", _DATES.map(date.isoformat).map(nodes.String))
schemathesis.graphql.scalar("DateTime", _DATE_TIMES.map(nodes.String))
schemathesis.graphql.scalar("ID", _IDS.map(nodes.String))
