"""Fuzz the API with Schemathesis against a real server, as staff, as a patient and anonymously.

Loads the demo data into DATABASE_URL (which must be empty: the fuzzed mutations change
it), or into a fresh SQLite file, starts `portal serve` as production runs it (faults
masked), signs in through the `login` mutation and runs `schemathesis run` once per role
with a fixed seed and example count. Fails when any response is a server error or neither
data nor a coded error (see oracle.py), or when the server logged an unexpected error.

    uv run python -m tests.fuzz.run_schemathesis [--examples N] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from portal.demo import PATIENT_EMAIL, PATIENT_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD
from tests.support import ROOT, ServerProcess

LOGIN = """mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { ... on SignIn { token } ... on Problem { message } }
}"""
UNEXPECTED = "Unexpected error in operation"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
EXCEPTION = re.compile(r"[A-Za-z_][\w.]*(Error|Exception)\b")


def sign_in(url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": LOGIN, "variables": {"email": email, "password": password}},
        timeout=30,
    )
    answer = response.json()["data"]["login"]
    if "token" not in answer:
        raise SystemExit(f"Cannot sign in as {email} (is the database empty?): {answer}")
    return str(answer["token"])


def schemathesis_run(url: str, token: str | None, args: argparse.Namespace, run_dir: Path) -> int:
    """One `schemathesis run`; its exit status. It runs in the temporary folder so that
    no example store or cache of an earlier run changes what this one tries."""
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{url}/graphql",
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.examples),
        "--workers",
        str(args.workers),
        "--generation-database",
        "none",
        "--phases",
        "fuzzing",
        "--suppress-health-check",
        "all",
        # Only our own check: the built-in GraphQL checks take any error with a path for a
        # fault and any error at all for refused valid input, while our queries tell
        # expected outcomes (NOT_ALLOWED, NOT_FOUND, INVALID_INPUT) as coded errors.
        "--checks",
        "data_or_coded_error",
        "--exclude-checks",
        "positive_data_acceptance",
        # Every distinct failure of an operation, not only its first.
        "--continue-on-failure",
        "--request-timeout",
        "30",
        # Signing out, ending sessions, changing the password or turning a user's access
        # off would turn the rest of the run (or the next role's) anonymous; their own
        # tests cover them.
        *[
            argument
            for name in (
                "logout",
                "endSession",
                "endOtherSessions",
                "changePassword",
                "resetPassword",
                "disableUser",
            )
            for argument in ("--exclude-name", f"Mutation.{name}")
        ],
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks", "PYTHONPATH": path}
    return subprocess.run(command, cwd=run_dir, env=env, check=False).returncode


def logged_faults(log: str) -> list[str]:
    """Each unexpected error the server logged, with the exception that ended its traceback."""
    lines = log.splitlines()
    faults = []
    for index, line in enumerate(lines):
        if UNEXPECTED not in line:
            continue
        exception = ""
        for following in lines[index + 1 :]:
            if TIMESTAMP.match(following) or following.startswith("INFO:"):
                break
            if EXCEPTION.match(following):
                exception = following
        faults.append(f"{line[line.index(UNEXPECTED) :]}: {exception}")
    return faults


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=15, help="examples per operation and role")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="portal-fuzz-") as tmp:
        run_dir = Path(tmp)
        env = {
            "DATABASE_URL": os.environ.get("DATABASE_URL")
            or f"sqlite+aiosqlite:///{run_dir / 'fuzz.db'}",
            "BROADCAST_URL": "memory://",
            "PORTAL_ENV": "production",
            "SECRET_KEY": "fuzzing-only-secret",
            "MAIL_FOLDER": str(run_dir / "mail"),
            "SMTP_URL": "",
            # Fuzzed endpoints may name any public address: this server never sends.
            "WEBHOOK_POLL_SECONDS": "0",
            # The fuzzer sends as fast as it can: with budgets on, most of its examples
            # would meet RATE_LIMITED instead of the operation they were made for.
            "COST_BUDGET_PER_MINUTE": "0",
        }
        # The demo's sign-ins are loaded as development does (production refuses them);
        # the server then runs as production does.
        subprocess.run(
            [sys.executable, "-m", "portal.cli", "demo-data"],
            cwd=ROOT,
            env={**os.environ, **env, "PORTAL_ENV": "development"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = time.monotonic()
        server = ServerProcess(env, run_dir / "server.log")
        results: dict[str, bool] = {}
        try:
            server.wait_ready()
            roles = {
                "anonymous": None,
                "patient": sign_in(server.url, PATIENT_EMAIL, PATIENT_PASSWORD),
                "staff": sign_in(server.url, STAFF_EMAIL, STAFF_PASSWORD),
            }
            for role, token in roles.items():
                print(f"\n--- schemathesis as {role}", flush=True)
                results[f"as {role}"] = schemathesis_run(server.url, token, args, run_dir) == 0
        finally:
            server.stop()
        faults = logged_faults(server.log_path.read_text(errors="replace"))
        if faults:
            print("\n".join(faults))
        results["server log without unexpected errors"] = not faults
        elapsed = time.monotonic() - started

    failed = [name for name, ok in results.items() if not ok]
    for name in failed:
        print(f"FAILED: {name}")
    print(f"\nFuzzing took {elapsed:.0f} s.")
    print(f"fuzz: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
