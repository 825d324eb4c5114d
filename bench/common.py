"""What the benchmarks share: percentiles and milliseconds, the CPU time of server
processes, a throwaway database beside the one DATABASE_URL names, the clinic's
dependencies for filling it, and `portal serve` processes to measure."""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from persistence.database import Database  # noqa: E402
from persistence.unit_of_work import SqlUnitOfWork  # noqa: E402
from resolvers.deps import Deps  # noqa: E402
from subscriptions.hub import Hub  # noqa: E402
from tests.support import ServerProcess  # noqa: E402


def pct(values: list[float], p: float) -> float:
    """The p-th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def cpu_seconds(pid: int) -> float:
    """The user and system CPU time a process has had so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def servers_cpu(servers: list[ServerProcess]) -> float:
    return sum(cpu_seconds(s.process.pid) for s in servers)


def raise_open_files() -> None:
    """Thousands of sockets need as many descriptors, here and in the servers."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def require_postgres_and_redis() -> tuple[str, str]:
    """DATABASE_URL (PostgreSQL) and BROADCAST_URL (Redis), or stop with what to set."""
    base = os.environ.get("DATABASE_URL", "")
    broadcast = os.environ.get("BROADCAST_URL", "")
    if not base.startswith("postgres") or not broadcast.startswith("redis"):
        raise SystemExit(
            "Set DATABASE_URL (PostgreSQL) and BROADCAST_URL (Redis); see the docstring."
        )
    return base, broadcast


def raw_dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL, for the raw floors."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def throwaway_database(suffix: str) -> Iterator[str]:
    """A fresh database named `<DATABASE_URL's database>_<suffix>` beside the one
    DATABASE_URL names, dropped afterwards; without a PostgreSQL DATABASE_URL, an SQLite
    file in a temporary folder."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"{make_url(base).database}_{suffix}"
    admin = raw_dsn(make_url(base).set(database="postgres").render_as_string(False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def filling_deps(url: str) -> Deps:
    """Dependencies enough for the test factories to fill a bench database."""
    return Deps(settings=None, database=Database(url), hub=Hub("memory://"))  # type: ignore[arg-type]


async def print_overlaps(database: Database) -> None:
    """What the database says of the no-overlap rule after a run (must be 0)."""
    async with SqlUnitOfWork(database, write=False) as uow:
        overlaps = await uow.appointments.overlapping_live_pairs(datetime.now(UTC))
    print(f"overlapping live appointments (database): {overlaps} (must be 0)")


@contextlib.contextmanager
def servers(
    url: str, broadcast: str, count: int, name: str, **more: str
) -> Iterator[list[ServerProcess]]:
    """`count` production `portal serve` processes on one database and broadcaster,
    ready, stopped afterwards; their logs in BENCH_LOGS (default: the temporary folder).
    `more`: settings of their own."""
    env = {
        "DATABASE_URL": url,
        "BROADCAST_URL": broadcast,
        "HOLD_SWEEP_SECONDS": "5",
        "PORTAL_ENV": "production",
        "SECRET_KEY": "bench",
        "TRUSTED_PROXIES": "127.0.0.1",
        # Thousands of the bench's sockets come from this one address.
        "MAX_SOCKETS_PER_ADDRESS": "0",
        "MAX_SOCKETS_PER_USER": "0",
        **more,
    }
    logs = Path(os.environ.get("BENCH_LOGS", tempfile.gettempdir()))
    started = [ServerProcess(env, logs / f"bench-{name}-{i}.log") for i in range(count)]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()
