"""The `portal` command as a newcomer and a partner meet it: `portal serve` says where
GraphQL, GraphiQL and the example pages are and how to sign in to the demo; `portal
schema` prints the schema a code generator needs, with every name of the contract."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from graphql import build_schema

from portal.demo import STAFF_EMAIL, STAFF_PASSWORD
from tests.api.test_contract import CONTRACT, differences
from tests.support import ROOT, ServerProcess

SIGN_IN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { __typename ... on SignIn { token } }
}
"""


def serving(tmp_path: Path, *, demo: bool, **env: str) -> ServerProcess:
    """`portal serve` on a database of its own (the demo data goes into a fresh file)."""
    server = ServerProcess(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'portal.db'}",
            "BROADCAST_URL": "memory://",
            **env,
        },
        tmp_path / "serve.log",
        demo=demo,
        stdout=tmp_path / "serve.out",
    )
    server.wait_ready()
    return server


def test_serve_prints_where_everything_is_and_the_demo_sign_ins_that_work(
    tmp_path: Path,
) -> None:
    server = serving(tmp_path, demo=True, PORTAL_ENV="development")
    try:
        printed = (tmp_path / "serve.out").read_text()
        slot_query = printed.split("to paste into GraphiQL:\n", 1)[1].splitlines()[0].strip()
        with httpx.Client(base_url=server.url, timeout=30) as client:
            slots = client.post("/graphql", json={"query": slot_query}).json()
            book = client.get("/book/")
            panel = client.get("/panel/")
            graphiql = client.get("/graphql", headers={"Accept": "text/html"})
            signed_in = client.post(
                "/graphql",
                json={
                    "query": SIGN_IN,
                    "variables": {"email": STAFF_EMAIL, "password": STAFF_PASSWORD},
                },
            ).json()
    finally:
        server.stop()

    assert f"{server.url}/graphql" in printed
    assert "GraphiQL" in printed
    assert f"{server.url}/book/" in printed and f"{server.url}/panel/" in printed
    for line in (
        "staff@example.com / staff-password",
        "anna@example.com / patient-password",
        "maria@example.com / practitioner-password",
    ):
        assert line in printed
    # The slot query it prints finds the demo's free slots this week.
    assert slots["data"]["availableSlots"]["slots"], slots
    # What it points at is there, and the sign-in it prints signs in.
    assert book.status_code == panel.status_code == graphiql.status_code == 200
    assert signed_in["data"]["login"]["__typename"] == "SignIn"
    # The orientation is on stdout; the log (stderr) keeps the log lines.
    assert "Demo sign-ins" not in server.log_path.read_text()


def test_production_serve_without_demo_names_graphql_and_no_sign_ins(tmp_path: Path) -> None:
    server = serving(
        tmp_path, demo=False, PORTAL_ENV="production", SECRET_KEY="a-production-secret"
    )
    try:
        printed = (tmp_path / "serve.out").read_text()
        front = httpx.get(f"{server.url}/", timeout=30)
    finally:
        server.stop()

    assert f"{server.url}/graphql" in printed
    assert "GraphiQL is off in production" in printed
    assert "sign-ins" not in printed.lower() and "password" not in printed
    assert front.status_code == 200
    assert front.json() == {"service": "Clinic portal booking API", "graphql": "/graphql"}


def test_production_serve_loads_no_demo_even_unasked_and_the_demo_sign_ins_fail(
    tmp_path: Path,
) -> None:
    # `demo=True` passes neither flag: what an operator who forgot `--no-demo` starts.
    server = serving(tmp_path, demo=True, PORTAL_ENV="production", SECRET_KEY="a-secret-key")
    try:
        printed = (tmp_path / "serve.out").read_text()
        with httpx.Client(base_url=server.url, timeout=30) as client:
            signed_in = client.post(
                "/graphql",
                json={
                    "query": SIGN_IN,
                    "variables": {"email": STAFF_EMAIL, "password": STAFF_PASSWORD},
                },
            ).json()
            practitioners = client.post("/graphql", json={"query": "{ practitioners { id } }"})
    finally:
        server.stop()

    assert signed_in["data"]["login"]["__typename"] != "SignIn", signed_in
    assert practitioners.json()["data"]["practitioners"] == []
    assert "password" not in printed


def test_demo_data_in_production_is_refused_with_a_reason(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'portal.db'}",
        "PORTAL_ENV": "production",
        "SECRET_KEY": "a-secret-key",
    }
    for command in (["serve", "--demo"], ["demo-data"]):
        refused = subprocess.run(
            [sys.executable, "-m", "portal.cli", *command],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode == 2, refused
        assert "never loaded in production" in refused.stderr
    assert not (tmp_path / "portal.db").exists()


def test_portal_schema_prints_every_name_of_the_contract() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "portal.cli", "schema"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout

    served = build_schema(printed)
    assert differences(build_schema(CONTRACT.read_text()), served) == []
    assert served.subscription_type is not None
    assert "slotChanges" in served.subscription_type.fields
