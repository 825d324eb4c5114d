"""A health-care partner over FHIR R4 (IHE ITI Scheduling): a client-credentials token
asked for with SMART system scopes, `Appointment/$find` for the earliest free time,
`$hold` it (the clinic keeps it for a few minutes), then `$book` it for a patient.

    uv run python client-examples/python/fhir_partner.py
    uv run python client-examples/python/fhir_partner.py --patient "Mia Schmidt" --days 14
    uv run python client-examples/python/fhir_partner.py --release   # hold, then give back

Talks to PORTAL_URL (default http://127.0.0.1:8000) as the API client PORTAL_CLIENT_ID
with PORTAL_CLIENT_SECRET (or --client-id/--client-secret), which needs the scopes
availability:read, appointments:write and patients:read. Without a client id it first
signs in as the demo staff user and creates one, as the clinic would once. The patient's
id is looked up by name over GraphQL (FHIR Patient is not served).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, timedelta
from typing import Any

import httpx

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
STAFF_EMAIL = os.environ.get("PORTAL_STAFF_EMAIL", "staff@example.com")
STAFF_PASSWORD = os.environ.get("PORTAL_STAFF_PASSWORD", "staff-password")
SCOPES = ["availability:read", "appointments:write", "patients:read"]
#: The same, as a SMART backend service asks for them (the token answers with ours).
SMART_SCOPES = "system/Slot.read system/Appointment.cud system/Patient.read"
FHIR_JSON = "application/fhir+json"
HELD_UNTIL = "/fhir/StructureDefinition/appointment-held-until"

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { ... on SignIn { token } ... on Problem { message } }
}"""
CREATE_CLIENT = """
mutation CreateClient($name: String!, $scopes: [String!]!) {
  createApiClient(name: $name, scopes: $scopes) {
    ... on ApiClientCredentials { clientSecret client { id } }
    ... on Problem { message }
  }
}"""
PATIENTS = """
query Patients($search: String!) {
  patientsConnection(search: $search, first: 5) { edges { node { id name } } }
}"""


def say(line: str) -> None:
    print(line, flush=True)


def graphql(http: httpx.Client, query: str, variables: dict[str, Any], token: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        sys.exit(f"GraphQL answered {response.status_code}: {body.get('errors')}")
    return dict(body["data"])


def staff_made_client(http: httpx.Client) -> tuple[str, str]:
    """What clinic staff do once: create the client; its secret is shown only now."""
    signed_in = graphql(http, LOGIN, {"email": STAFF_EMAIL, "password": STAFF_PASSWORD}, "")
    if "token" not in signed_in["login"]:
        sys.exit(f"Staff sign-in failed: {signed_in['login']['message']}")
    made = graphql(
        http,
        CREATE_CLIENT,
        {"name": "Example FHIR partner", "scopes": SCOPES},
        signed_in["login"]["token"],
    )["createApiClient"]
    if "clientSecret" not in made:
        sys.exit(f"Could not create a client: {made['message']}")
    say(f"Staff created API client {made['client']['id']} (secret shown once).")
    return made["client"]["id"], made["clientSecret"]


def token(http: httpx.Client, client_id: str, secret: str) -> str:
    """RFC 6749 §4.4, asking for SMART system scopes."""
    response = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": SMART_SCOPES},
        auth=(client_id, secret),
    )
    if response.status_code != 200:
        sys.exit(f"Token request refused ({response.status_code}): {response.text}")
    granted = response.json()
    say(f"Signed in as API client {client_id} with {granted['scope']}.")
    return str(granted["access_token"])


def operation(http: httpx.Client, name: str, token: str, *parameters: dict) -> tuple[int, dict]:
    """POST a Parameters resource to Appointment/$name; the status and the resource."""
    response = http.post(
        f"/fhir/R4/Appointment/${name}",
        json={"resourceType": "Parameters", "parameter": list(parameters)},
        headers={"Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON},
    )
    return response.status_code, response.json()


def refused(status: int, outcome: dict) -> str:
    issue = outcome.get("issue", [{}])[0]
    return f"{status} {issue.get('code')}: {issue.get('diagnostics')}"


def wall(instant: str) -> str:
    """'Tue 8 Dec 09:00' on the clinic's wall clock (times carry its offset)."""
    at = datetime.fromisoformat(instant)
    return f"{at:%a} {at.day} {at:%b %H:%M}"


def patient_id(http: httpx.Client, name: str, token: str) -> str:
    found = graphql(http, PATIENTS, {"search": name}, token)["patientsConnection"]["edges"]
    exact = [e["node"] for e in found if e["node"]["name"] == name]
    if not exact:
        sys.exit(f"No patient named {name!r}.")
    return str(exact[0]["id"])


def find_hold_and_book(
    http: httpx.Client, token: str, patient: str, days: int, release: bool
) -> int:
    today = date.today()
    status, found = operation(
        http,
        "find",
        token,
        {"name": "start", "valueDate": today.isoformat()},
        {"name": "end", "valueDate": (today + timedelta(days=days)).isoformat()},
        {"name": "_count", "valueInteger": 10},
    )
    if status != 200:
        sys.exit(f"$find refused: {refused(status, found)}")
    proposals = [entry["resource"] for entry in found.get("entry", [])]
    say(f"$find: {len(proposals)} free times in the next {days} days.")
    for proposal in proposals:
        status, held = operation(
            http, "hold", token, {"name": "appointment-resource", "resource": proposal}
        )
        if status == 409:  # taken since $find answered: try the next one
            say(f"{wall(proposal['start'])} was just taken; trying the next time.")
            continue
        if status != 201:
            sys.exit(f"$hold refused: {refused(status, held)}")
        until = next(e["valueDateTime"] for e in held["extension"] if e["url"].endswith(HELD_UNTIL))
        say(f"Held Appointment/{held['id']} at {wall(held['start'])} until {wall(until)}.")
        reference = {
            "name": "appointment-reference",
            "valueReference": {"reference": f"Appointment/{held['id']}"},
        }
        if release:
            cancelled = {"resourceType": "Appointment", "id": held["id"], "status": "cancelled"}
            status, answer = operation(
                http, "book", token, {"name": "appointment-resource", "resource": cancelled}
            )
        else:
            patient_reference = {
                "name": "patient-reference",
                "valueReference": {"reference": f"Patient/{patient}"},
            }
            status, answer = operation(http, "book", token, reference, patient_reference)
        if status != 200:
            sys.exit(f"$book refused: {refused(status, answer)}")
        words = {
            "booked": "booked",
            "pending": "requested; the clinic confirms it",
            "cancelled": "given back; the time is free again",
        }
        say(f"Appointment/{answer['id']} is {answer['status']}: {words.get(answer['status'], '')}.")
        return 0
    say("No time could be held.")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client-id", default=os.environ.get("PORTAL_CLIENT_ID"))
    parser.add_argument("--client-secret", default=os.environ.get("PORTAL_CLIENT_SECRET"))
    parser.add_argument("--patient", default="Anna Schmidt", help="whom to book for, by name")
    parser.add_argument("--days", type=int, default=7, help="how far ahead to look")
    parser.add_argument("--release", action="store_true", help="give the hold back instead")
    arguments = parser.parse_args()
    with httpx.Client(base_url=URL, timeout=30) as http:
        client_id, secret = arguments.client_id, arguments.client_secret
        if not client_id or not secret:
            client_id, secret = staff_made_client(http)
        bearer = token(http, client_id, secret)
        patient = patient_id(http, arguments.patient, bearer)
        return find_hold_and_book(http, bearer, patient, arguments.days, arguments.release)


if __name__ == "__main__":
    sys.exit(main())
