"""Any number of `portal serve` started at once on an empty database all come up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from portal.settings import Settings
from tests.conftest import server_env
from tests.databases import fresh_database
from tests.support import ROOT, ServerProcess


def test_three_servers_started_at_once_on_an_empty_database_all_answer(
    settings: Settings, run_dir: Path
) -> None:
    with fresh_database(run_dir, "empty") as url:
        env = {**server_env(settings), "DATABASE_URL": url}
        servers = [ServerProcess(env, run_dir / f"at-once-{i}-{os.getpid()}.log") for i in range(3)]
        try:
            for server in servers:
                server.wait_ready()
            for server in servers:
                assert httpx.get(f"{server.url}/health", timeout=10).json()["status"] == "ok"
                clinic = httpx.post(
                    f"{server.url}/graphql", json={"query": "{ clinic { name } }"}, timeout=10
                ).json()
                assert clinic["data"] == {"clinic": {"name": "Lindenhof Physiotherapy"}}
        finally:
            for server in servers:
                server.stop()


def test_three_migrations_started_at_once_on_an_empty_database_all_succeed(
    settings: Settings, run_dir: Path
) -> None:
    with fresh_database(run_dir, "migrated_at_once") as url:
        env = {**os.environ, **server_env(settings), "DATABASE_URL": url}
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "portal.cli", "migrate"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for _ in range(3)
        ]
        outputs = [run.communicate(timeout=120)[0].decode() for run in runs]

    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
        assert "Database is at the newest schema." in output
