"""Print a practitioner's slot changes live, in words, over a websocket (graphql-transport-ws).

    uv run python client-examples/python/listen_to_slots.py [practitioner-id] [--count N]

Talks to PORTAL_URL (default http://127.0.0.1:8000). Holds, releases, lapses, requests,
bookings and rejections made from any portal on any server process show up as they
happen; Ctrl-C stops listening.

A lost connection (a network fault, a server restarting) is resumed where it left off:
the listener keeps the cursor of the last change it printed and subscribes again with
`since`, and the server sends what happened meanwhile before live changes. Only when
the server's history no longer reaches back (RESYNC_REQUIRED) does it say so.

A slot change says what the slot is now: FREE, HELD (taken, not yet booked: a hold or a
request awaiting the clinic) or BOOKED. A slot seen HELD that is HELD again has gone from
a hold to a request, so it prints as REQUESTED.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from gql import Client, gql
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
SLOT_CHANGES = gql("""
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!, $since: String) {
  slotChanges(practitionerId: $p, from: $from, to: $to, since: $since) { start end state cursor }
}""")
RESYNC_REQUIRED = "RESYNC_REQUIRED"
#: Seconds between attempts to resume, doubling up to the last.
BACKOFF = (0.5, 1, 2, 4, 8)
#: Exit status after Ctrl-C, as shells report a process ended by SIGINT.
INTERRUPTED = 130


def when(start: str, end: str) -> str:
    """'Tue 24 Nov 09:00-09:30' on the clinic's wall clock (times carry its offset)."""
    begins, ends = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return f"{begins:%a %d %b %H:%M}-{ends:%H:%M}"


class SlotWords:
    """Turns each slot change into a line saying what happened, remembering what each
    slot was so a hold becoming a request is not told as a second hold."""

    def __init__(self) -> None:
        self.held: set[str] = set()

    def say(self, change: dict[str, str]) -> str:
        start, state = change["start"], change["state"]
        slot = when(start, change["end"])
        if state == "HELD" and start in self.held:
            return f"REQUESTED  {slot}  requested; awaiting the clinic's answer"
        if state == "HELD":
            self.held.add(start)
            return f"HELD       {slot}  someone is holding it while they decide"
        self.held.discard(start)
        if state == "BOOKED":
            return f"BOOKED     {slot}  booked"
        return f"FREED      {slot}  free again"


async def listen(practitioner_id: str, count: int | None) -> None:
    """Print each change; after a lost connection, resume from the last one printed."""
    now = datetime.now(UTC)
    variables: dict[str, str | None] = {
        "p": practitioner_id,
        "from": now.isoformat(),
        "to": (now + timedelta(days=60)).isoformat(),
        "since": None,
    }
    words = SlotWords()
    seen, failures = 0, 0
    print(f"Listening to slot changes of practitioner {practitioner_id}", flush=True)
    while True:
        try:
            async for change in changes(variables):
                failures = 0
                variables["since"] = change["cursor"]
                print(words.say(change), flush=True)
                seen += 1
                if count is not None and seen >= count:
                    return
        except TransportQueryError as told:
            if not any(
                (e.get("extensions") or {}).get("code") == RESYNC_REQUIRED
                for e in told.errors or []
            ):
                raise
            print("Missed more than the server keeps; listening afresh from now.", flush=True)
            variables["since"] = None
        except (OSError, TransportError):
            if variables["since"] is None and seen == 0:
                raise  # never connected: say so instead of trying for ever
            await asyncio.sleep(BACKOFF[min(failures, len(BACKOFF) - 1)])
            failures += 1


async def changes(variables: dict[str, str | None]) -> AsyncIterator[dict[str, str]]:
    ws_url = URL.replace("http", "ws", 1) + "/graphql"
    transport = WebsocketsTransport(
        url=ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
    )
    async with Client(transport=transport) as session:
        async for result in session.subscribe(SLOT_CHANGES, variable_values=variables):
            yield result["slotChanges"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("practitioner", nargs="?", default="1")
    parser.add_argument("--count", type=int, default=None, help="stop after this many changes")
    args = parser.parse_args()
    try:
        asyncio.run(listen(args.practitioner, args.count))
    except KeyboardInterrupt:
        print("Stopped listening.", flush=True)
        return INTERRUPTED
    except (OSError, TransportError) as lost:
        print(f"No connection to {URL}: {lost or type(lost).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
