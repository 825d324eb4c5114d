"""An integration partner's first call: a token by the client-credentials grant, then a query.

    PORTAL_CLIENT_ID=… PORTAL_CLIENT_SECRET=… uv run python client-examples/python/partner_token.py

Without PORTAL_CLIENT_ID it first signs in as the demo staff user and creates an API client
(scopes availability:read and appointments:read), printing its id and its secret, which the
clinic would hand the partner once. Talks to PORTAL_URL (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta

import httpx

URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
STAFF_EMAIL = os.environ.get("PORTAL_STAFF_EMAIL", "staff@example.com")
STAFF_PASSWORD = os.environ.get("PORTAL_STAFF_PASSWORD", "staff-password")
SCOPES = ["availability:read", "appointments:read"]

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { ... on SignIn { token } ... on Problem { message } }
}"""
CREATE = """
mutation Create($name: String!, $scopes: [String!]!) {
  createApiClient(name: $name, scopes: $scopes) {
    ... on ApiClientCredentials { clientSecret client { id } }
    ... on Problem { message }
  }
}"""
FIRST_QUERY = """
query FirstLook {
  clinic { name }
  practitioners { id name }
}"""
DIARY = """
query Diary($p: ID!, $from: DateTime!, $to: DateTime!) {
  diary(practitionerId: $p, from: $from, to: $to) { start status service { name } }
}"""


def graphql(http: httpx.Client, query: str, variables: dict, token: str) -> dict:
    response = http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        sys.exit(f"GraphQL errors: {body['errors']}")
    return body["data"]


def staff_made_client(http: httpx.Client) -> tuple[str, str]:
    """What clinic staff do once: create the client; the secret is shown only now."""
    signed_in = http.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"email": STAFF_EMAIL, "password": STAFF_PASSWORD}},
    ).json()["data"]["login"]
    if "token" not in signed_in:
        sys.exit(f"Staff sign-in failed: {signed_in['message']}")
    made = graphql(http, CREATE, {"name": "Example partner", "scopes": SCOPES}, signed_in["token"])[
        "createApiClient"
    ]
    if "clientSecret" not in made:
        sys.exit(f"Could not create a client: {made['message']}")
    print(f"Staff created API client {made['client']['id']} (secret shown once).")
    return made["client"]["id"], made["clientSecret"]


def access_token(http: httpx.Client, client_id: str, secret: str) -> dict:
    """RFC 6749 §4.4: POST the form to /oauth/token, authenticated by HTTP Basic."""
    response = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    if response.status_code != 200:
        sys.exit(f"Token request refused ({response.status_code}): {response.text}")
    return response.json()


def main() -> None:
    with httpx.Client(base_url=URL, timeout=30) as http:
        client_id = os.environ.get("PORTAL_CLIENT_ID")
        secret = os.environ.get("PORTAL_CLIENT_SECRET", "")
        if not client_id:
            client_id, secret = staff_made_client(http)
        token = access_token(http, client_id, secret)
        print(f"Token for scopes '{token['scope']}', valid {token['expires_in']} s.")

        now = datetime.now(UTC)
        window = {"from": now.isoformat(), "to": (now + timedelta(days=7)).isoformat()}
        first = graphql(http, FIRST_QUERY, {}, token["access_token"])
        print(f"{first['clinic']['name']}: {len(first['practitioners'])} practitioners online.")
        for practitioner in first["practitioners"]:
            diary = graphql(
                http, DIARY, {"p": practitioner["id"], **window}, token["access_token"]
            )["diary"]
            print(f"  {practitioner['name']}: {len(diary)} appointments in the next 7 days")


if __name__ == "__main__":
    main()
