"""Audit a real server's GraphQL over HTTP with graphql-http's `auditServer`.

Starts `portal serve` on a fresh SQLite file, in development (GraphiQL on) and as
production runs it, and runs `graphql-http-audit.mjs` (the npm package pinned in this
folder's package.json and package-lock.json) against each. Every audit result is printed;
any warning or error fails the run.

    uv run python -m tests.audit.run_graphql_http_audit
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support import ServerProcess

HERE = Path(__file__).resolve().parent
ENVIRONMENTS = {
    "development": {},
    "production": {"SECRET_KEY": "audit-only-secret"},
}


def install() -> None:
    """The pinned audit package, as locked (once per checkout)."""
    if not (HERE / "node_modules" / "graphql-http").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True
        )


def audit(environment: str, run_dir: Path) -> bool:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{run_dir / f'{environment}.db'}",
        "BROADCAST_URL": "memory://",
        "PORTAL_ENV": environment,
        "MAIL_FOLDER": str(run_dir / "mail"),
        "SMTP_URL": "",
        **ENVIRONMENTS[environment],
    }
    server = ServerProcess(env, run_dir / f"{environment}.log")
    try:
        server.wait_ready()
        print(f"\n--- graphql-http audit, {environment}", flush=True)
        command = ["node", str(HERE / "graphql-http-audit.mjs"), f"{server.url}/graphql"]
        return subprocess.run(command, cwd=HERE, check=False).returncode == 0
    finally:
        server.stop()


def main() -> int:
    install()
    with tempfile.TemporaryDirectory(prefix="portal-audit-") as tmp:
        results = {environment: audit(environment, Path(tmp)) for environment in ENVIRONMENTS}
    failed = [environment for environment, ok in results.items() if not ok]
    for environment in failed:
        print(f"FAILED: graphql-http audit in {environment}")
    print(f"graphql-http audit: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
