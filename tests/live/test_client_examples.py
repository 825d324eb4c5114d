"""The Python client examples run against a real server with demo data and say what they did."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

from portal.demo import STAFF_EMAIL, STAFF_PASSWORD, load_demo_data
from resolvers.deps import Deps
from tests.support import ROOT, GraphQL, ServerProcess

EXAMPLES = ROOT / "client-examples" / "python"
LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { ... on SignIn { token } } }"""
ACCEPT = "mutation($id: ID!) { accept(appointmentId: $id) { __typename } }"
CANCEL = "mutation($id: ID!) { cancelAppointment(appointmentId: $id) { __typename } }"


async def run_example(
    name: str,
    server: ServerProcess,
    *args: str,
    separate_stderr: bool = False,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / name),
        *args,
        env={**os.environ, "PORTAL_URL": server.url, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE if separate_stderr else asyncio.subprocess.STDOUT,
    )


async def test_the_listener_prints_the_changes_the_booking_script_makes(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await load_demo_data(deps)
    maria = next(
        p
        for p in (await server_gql("{ practitioners { id name } }"))["practitioners"]
        if p["name"] == "Maria Keller"
    )
    started = await server.subscriptions_started()
    listener = await run_example("listen_to_slots.py", server, maria["id"], "--count", "4")
    assert listener.stdout is not None
    first_line = await asyncio.wait_for(listener.stdout.readline(), 30)
    assert b"Listening to slot changes" in first_line
    await server.wait_subscriptions_started(started + 1, timeout=30)

    booking = await run_example("book_for_family.py", server)
    printed, _ = await asyncio.wait_for(booking.communicate(), 60)
    booked = printed.decode()
    # The clinic accepts the request, then cancels the visit: booked, then free again.
    requested = re.search(r"Requested appointment (\d+)", booked)
    assert requested, booked
    desk = (await server_gql(LOGIN, {"email": STAFF_EMAIL, "password": STAFF_PASSWORD}))["login"]
    for answer in (ACCEPT, CANCEL):
        done = await server_gql(answer, {"id": requested.group(1)}, token=desk["token"])
        assert next(iter(done.values()))["__typename"] == "Appointment", done
    heard, _ = await asyncio.wait_for(listener.communicate(), 30)

    assert booking.returncode == 0, booked
    assert "practitioners take online bookings" in booked
    assert "Signed in as Anna Schmidt, who books for: Anna Schmidt, Mia Schmidt" in booked
    assert "Held " in booked
    assert "for Mia Schmidt with Maria Keller" in booked
    assert "status REQUESTED" in booked
    lines = heard.decode().splitlines()
    # The hold, then the same slot requested (the demo clinic approves requests): a
    # request is told as one, not as a second hold.
    words = [line.split()[0] for line in lines]
    assert words == ["HELD", "REQUESTED", "BOOKED", "FREED"], heard.decode()
    assert "awaiting the clinic's answer" in lines[1]
    assert lines[3].endswith("free again")


async def test_the_listener_ends_quietly_on_ctrl_c(server: ServerProcess, deps: Deps) -> None:
    await load_demo_data(deps)
    started = await server.subscriptions_started()
    listener = await run_example("listen_to_slots.py", server, "1", separate_stderr=True)
    assert listener.stdout is not None
    first_line = await asyncio.wait_for(listener.stdout.readline(), 30)
    assert b"Listening to slot changes" in first_line
    await server.wait_subscriptions_started(started + 1, timeout=30)

    listener.send_signal(signal.SIGINT)
    printed, complaints = await asyncio.wait_for(listener.communicate(), 30)

    assert listener.returncode in (0, 130)
    assert b"Traceback" not in complaints, complaints.decode()
    assert complaints.strip() == b"", complaints.decode()
    assert printed.decode().strip() == "Stopped listening."
