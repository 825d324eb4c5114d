"""Browse practitioners and free slots, sign in, hold a slot and request it for a family member.

    uv run python client-examples/python/book_for_family.py

Talks to PORTAL_URL (default http://127.0.0.1:8000) running `portal serve` with demo data,
signed in as the demo parent who manages her daughter Mia.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime, timedelta

from gql import Client, gql
from gql.transport.httpx import HTTPXTransport

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL = os.environ.get("PORTAL_EMAIL", "anna@example.com")
PASSWORD = os.environ.get("PORTAL_PASSWORD", "patient-password")
FAMILY_MEMBER = os.environ.get("PORTAL_PATIENT", "Mia Schmidt")

PRACTITIONERS = gql("{ practitioners { id name services { id name durationMinutes } } }")
SLOTS = gql("""
query Slots($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) {
    openUntil
    slots { start end location { name } }
  }
}""")
LOGIN = gql("""
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on SignIn { token user { name patients { id name } } }
    ... on Problem { code message }
  }
}""")
HOLD = gql("""
mutation Hold($p: ID!, $s: ID!, $start: DateTime!, $key: String) {
  hold(practitionerId: $p, serviceId: $s, start: $start, clientKey: $key) {
    __typename
    ... on Hold { expiresAt appointment { id } }
    ... on Problem { code message }
  }
}""")
REQUEST = gql("""
mutation Request($id: ID!, $patientId: ID!, $note: String) {
  request(appointmentId: $id, patientId: $patientId, note: $note) {
    __typename
    ... on Appointment { id status start practitioner { name } patient { name } }
    ... on Problem { code message }
  }
}""")


def client(token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(transport=HTTPXTransport(url=f"{URL}/graphql", headers=headers))


def main() -> int:
    anonymous = client()
    practitioners = anonymous.execute(PRACTITIONERS)["practitioners"]
    print(f"{len(practitioners)} practitioners take online bookings:")
    for p in practitioners:
        print(f"  {p['name']}: {', '.join(s['name'] for s in p['services'])}")

    now = datetime.now(UTC)
    chosen = slot = service = None
    for practitioner in practitioners:
        for offered in practitioner["services"]:
            found = anonymous.execute(
                SLOTS,
                variable_values={
                    "p": practitioner["id"],
                    "s": offered["id"],
                    "from": now.isoformat(),
                    "to": (now + timedelta(days=14)).isoformat(),
                },
            )["availableSlots"]
            if found["slots"]:
                chosen, service, slot = practitioner, offered, found["slots"][0]
                print(
                    f"{practitioner['name']} has {len(found['slots'])} free {offered['name']} slots in the next 14 days;"
                    f" online booking open until {found['openUntil']}"
                )
                break
        if slot:
            break
    if not (chosen and service and slot):
        print("No free online slot in the next 14 days.")
        return 1

    signed = anonymous.execute(LOGIN, variable_values={"email": EMAIL, "password": PASSWORD})[
        "login"
    ]
    if signed["__typename"] != "SignIn":
        print(f"Sign-in refused: {signed['message']}")
        return 1
    me = client(signed["token"])
    print(
        f"Signed in as {signed['user']['name']}, who books for: "
        f"{', '.join(p['name'] for p in signed['user']['patients'])}"
    )

    held = me.execute(
        HOLD,
        variable_values={
            "p": chosen["id"],
            "s": service["id"],
            "start": slot["start"],
            "key": str(uuid.uuid4()),
        },
    )["hold"]
    if held["__typename"] != "Hold":
        print(f"Could not hold {slot['start']}: {held['code']} {held['message']}")
        return 1
    print(f"Held {slot['start']} at {slot['location']['name']} until {held['expiresAt']}")

    patient = next(
        (p for p in signed["user"]["patients"] if p["name"] == FAMILY_MEMBER),
        signed["user"]["patients"][0],
    )
    booked = me.execute(
        REQUEST,
        variable_values={
            "id": held["appointment"]["id"],
            "patientId": patient["id"],
            "note": "Booked from the Python example",
        },
    )["request"]
    if booked["__typename"] != "Appointment":
        print(f"Request refused: {booked['code']} {booked['message']}")
        return 1
    print(
        f"Requested appointment {booked['id']} for {booked['patient']['name']} with "
        f"{booked['practitioner']['name']} at {booked['start']}: status {booked['status']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
