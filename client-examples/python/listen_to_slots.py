"""Print a practitioner's slot changes live, in words, over a websocket (graphql-transport-ws).

    uv run python client-examples/python/listen_to_slots.py [practitioner-id] [--count N]

Talks to PORTAL_URL (default http://127.0.0.1:8000). Holds, releases, lapses, requests,
bookings and rejections made from any portal on any server process show up as they
happen; Ctrl-C stops listening.

A slot change says what the slot is now: FREE, HELD (taken, not yet booked: a hold or a
request awaiting the clinic) or BOOKED. A slot seen HELD that is HELD again has gone from
a hold to a request, so it prints as REQUESTED.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

from gql import Client, gql
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
SLOT_CHANGES = gql("""
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { start end state }
}""")
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
    ws_url = URL.replace("http", "ws", 1) + "/graphql"
    transport = WebsocketsTransport(
        url=ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
    )
    now = datetime.now(UTC)
    variables = {
        "p": practitioner_id,
        "from": now.isoformat(),
        "to": (now + timedelta(days=60)).isoformat(),
    }
    words = SlotWords()
    async with Client(transport=transport) as session:
        print(f"Listening to slot changes of practitioner {practitioner_id}", flush=True)
        seen = 0
        async for result in session.subscribe(SLOT_CHANGES, variable_values=variables):
            print(words.say(result["slotChanges"]), flush=True)
            seen += 1
            if count is not None and seen >= count:
                return


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
