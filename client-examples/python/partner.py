"""An integration partner, start to finish: a token, the appointments page by page, then a
webhook endpoint and a small receiver that verifies every delivery (Standard Webhooks).

    uv run python client-examples/python/partner.py            # pages, then listens
    uv run python client-examples/python/partner.py pages --page-size 20
    uv run python client-examples/python/partner.py listen --port 9100

Talks to PORTAL_URL (default http://127.0.0.1:8000) as the API client PORTAL_CLIENT_ID
with PORTAL_CLIENT_SECRET (or --client-id/--client-secret); it needs the scopes
appointments:read and webhooks:manage. Without a client id it first signs in as the demo
staff user and creates a client, as the clinic would once.

`listen` receives on http://HOST:PORT/hooks (--port 0 takes a free port), registers that
URL for the appointment events (--hook-url when the portal reaches the receiver at
another address), prints each verified event in words, answers 400 to anything that does
not verify, and removes its endpoint on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
STAFF_EMAIL = os.environ.get("PORTAL_STAFF_EMAIL", "staff@example.com")
STAFF_PASSWORD = os.environ.get("PORTAL_STAFF_PASSWORD", "staff-password")
SCOPES = ["appointments:read", "webhooks:manage"]
#: What each appointment event means, for printing it in words.
EVENTS = {
    "appointment.requested": "requested online; awaiting the clinic's answer",
    "appointment.booked": "booked",
    "appointment.rejected": "request rejected by the clinic",
    "appointment.cancel_requested": "the patient asks to cancel",
    "appointment.uncancel_requested": "the patient took the cancel request back",
    "appointment.cancelled": "cancelled by the clinic; the slot is free",
    "appointment.completed": "the visit took place",
    "appointment.patient_confirmed": "the patient confirmed they will come",
}

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
APPOINTMENTS = """
query Appointments($first: Int!, $after: String) {
  appointments(first: $first, after: $after) {
    edges { node { id start end status practitioner { name } service { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
REGISTER = """
mutation Register($url: String!, $events: [String!]!) {
  createWebhookEndpoint(url: $url, events: $events, description: "partner.py receiver") {
    ... on WebhookEndpointSecret { secret endpoint { id } }
    ... on Problem { message }
  }
}"""
REMOVE = """
mutation Remove($id: ID!) {
  deleteWebhookEndpoint(endpointId: $id) { __typename ... on Problem { message } }
}"""


def say(line: str) -> None:
    print(line, flush=True)


class Portal:
    """The clinic's API as this client: a token from /oauth/token, then GraphQL."""

    def __init__(self, http: httpx.Client, client_id: str, secret: str) -> None:
        self.http, self.client_id, self.secret = http, client_id, secret

    def token(self) -> str:
        """RFC 6749 §4.4: POST the form to /oauth/token, authenticated by HTTP Basic."""
        response = self.http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.secret),
        )
        if response.status_code != 200:
            sys.exit(f"Token request refused ({response.status_code}): {response.text}")
        return str(response.json()["access_token"])

    def call(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        return graphql(self.http, query, variables, token)


def graphql(
    http: httpx.Client, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
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
        {"name": "Example partner", "scopes": SCOPES},
        signed_in["login"]["token"],
    )["createApiClient"]
    if "clientSecret" not in made:
        sys.exit(f"Could not create a client: {made['message']}")
    say(f"Staff created API client {made['client']['id']} (secret shown once).")
    return made["client"]["id"], made["clientSecret"]


def when(start: str, end: str) -> str:
    """'Tue 24 Nov 09:00-09:45' on the clinic's wall clock (times carry its offset)."""
    begins, ends = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return f"{begins:%a %d %b %H:%M}-{ends:%H:%M}"


def pages(portal: Portal, token: str, size: int) -> Iterator[list[dict[str, Any]]]:
    """Every appointment the client may see, a page at a time: endCursor becomes after."""
    after = None
    while True:
        data = portal.call(APPOINTMENTS, {"first": size, "after": after}, token)
        page = data["appointments"]
        yield [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def counted(count: int) -> str:
    return f"{count} appointment{'' if count == 1 else 's'}"


def print_pages(portal: Portal, token: str, size: int) -> None:
    total = 0
    for number, appointments in enumerate(pages(portal, token, size), start=1):
        say(f"Page {number}: {counted(len(appointments))}")
        for a in appointments:
            say(
                f"  {a['id']:>5}  {when(a['start'], a['end'])}  {a['status']:<11}"
                f"{a['practitioner']['name']}, {a['service']['name']}"
            )
        total += len(appointments)
    say(f"{counted(total)} in all.")


def in_words(event: dict[str, Any]) -> str:
    """'appointment.requested: appointment 42, Tue 24 Nov 10:00-10:45, practitioner 3,
    patient 17 - requested online; awaiting the clinic's answer'."""
    kind, data = event["type"], event["data"]
    if kind not in EVENTS:
        return f"{kind}: {json.dumps(data)}"
    return (
        f"{kind}: appointment {data['appointmentId']}, {when(data['start'], data['end'])}, "
        f"practitioner {data['practitionerId']}, patient {data['patientId']} - {EVENTS[kind]}"
    )


def receiver(secret: str) -> type[BaseHTTPRequestHandler]:
    """A request handler that answers 204 to what verifies with `secret`, 400 to the rest."""
    verifier = Webhook(secret)
    seen: set[str] = set()

    class Hooks(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                event = verifier.verify(body, dict(self.headers.items()))
            except WebhookVerificationError as refused:
                self.answer(400)
                say(f"Refused a delivery that does not verify ({refused}).")
                return
            self.answer(204)  # answer at once, work afterwards
            message_id = self.headers["webhook-id"]
            if message_id in seen:  # delivery is at least once
                return
            seen.add(message_id)
            say(in_words(event))

        def answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per event is enough

    return Hooks


def listen(portal: Portal, token: str, host: str, port: int, hook_url: str | None) -> None:
    # Bound before registering, so that --port 0 knows its port; it verifies with the
    # secret the registration answers.
    server = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    url = hook_url or f"http://{host}:{server.server_address[1]}/hooks"
    made = portal.call(REGISTER, {"url": url, "events": list(EVENTS)}, token)
    registered = made["createWebhookEndpoint"]
    if "secret" not in registered:
        server.server_close()
        sys.exit(f"Could not register {url}: {registered['message']}")
    endpoint_id = registered["endpoint"]["id"]
    server.RequestHandlerClass = receiver(registered["secret"])
    say(f"Webhook endpoint {endpoint_id} registered for {url}")
    say(f"Your webhook signing secret is {registered['secret']} (shown once).")
    say("Listening for appointment events; Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
        portal.call(REMOVE, {"id": endpoint_id}, portal.token())  # the first may have expired
        say(f"Removed webhook endpoint {endpoint_id}. Stopped listening.")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["pages", "listen"], default=None)
    parser.add_argument("--client-id", default=os.environ.get("PORTAL_CLIENT_ID"))
    parser.add_argument("--client-secret", default=os.environ.get("PORTAL_CLIENT_SECRET", ""))
    parser.add_argument("--page-size", type=int, default=20, help="1 to 100 (default 20)")
    parser.add_argument("--host", default="127.0.0.1", help="where the receiver listens")
    parser.add_argument("--port", type=int, default=9100, help="0 takes a free port")
    parser.add_argument("--hook-url", help="the URL the portal posts to, if not host:port")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    with httpx.Client(base_url=URL, timeout=30) as http:
        client_id, secret = args.client_id, args.client_secret
        if not client_id:
            client_id, secret = staff_made_client(http)
        portal = Portal(http, client_id, secret)
        token = portal.token()
        say(f"Signed in as API client {client_id}.")
        if args.command in (None, "pages"):
            print_pages(portal, token, args.page_size)
        if args.command in (None, "listen"):
            listen(portal, token, args.host, args.port, args.hook_url)


if __name__ == "__main__":
    main()
