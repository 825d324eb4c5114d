"""Print a practitioner's slot changes live, over a websocket (graphql-transport-ws).

    uv run python client-examples/python/listen_to_slots.py [practitioner-id] [--count N]

Talks to PORTAL_URL (default http://127.0.0.1:8000). Holds, releases, lapses, bookings
and rejections made from any portal on any server process show up as they happen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import UTC, datetime, timedelta

from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
SLOT_CHANGES = gql("""
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { start end state }
}""")


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
    async with Client(transport=transport) as session:
        print(f"Listening to slot changes of practitioner {practitioner_id}", flush=True)
        seen = 0
        async for result in session.subscribe(SLOT_CHANGES, variable_values=variables):
            change = result["slotChanges"]
            print(f"{change['state']:>6}  {change['start']} - {change['end']}", flush=True)
            seen += 1
            if count is not None and seen >= count:
                return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("practitioner", nargs="?", default="1")
    parser.add_argument("--count", type=int, default=None, help="stop after this many changes")
    args = parser.parse_args()
    asyncio.run(listen(args.practitioner, args.count))


if __name__ == "__main__":
    main()
