"""What each commit changed, by table: the signal that drops per-process read caches.

Every statement that writes (INSERT, UPDATE, DELETE, TRUNCATE, through the ORM, Core or
plain text) goes past the engine's `before_cursor_execute`; the tables it names are kept
on its connection until the transaction ends. A rollback forgets them. A commit keeps
them until the connection goes back to the pool, which is after the commit has landed:
only then are the listeners told, so a reader that starts after a listener dropped its
copy reads the new rows. A write whose table cannot be read off the statement counts as
every table (`ANY_TABLE`). A transaction that names the practitioners whose diaries it
changed (`DIARIES` in its connection's info) reports its appointment writes as theirs
(`diary_table`), so what was read of other diaries stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: A write to a table this tracker cannot name.
ANY_TABLE = "*"
APPOINTMENTS = "appointments"
#: Set by a transaction that knows whose diaries its appointment writes touched.
DIARIES = "portal_diaries"
_WRITTEN = "portal_written_tables"
_COMMITTED = "portal_committed_tables"
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?(\w+)\"?(.*)",
    re.IGNORECASE | re.DOTALL,
)
_WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|TRUNCATE)\b", re.IGNORECASE)
#: A write clause anywhere in a statement (a WITH's), and the table it names if any;
#: a row lock (FOR UPDATE) and an upsert's DO UPDATE are not writes of their own.
_CLAUSE = re.compile(
    r"\b(FOR\s+(?:NO\s+KEY\s+)?UPDATE|DO\s+UPDATE|INSERT\s+INTO|UPDATE|DELETE\s+FROM"
    r"|INSERT|DELETE|TRUNCATE)\b(?:\s+(?:ONLY\s+)?(?:\"([^\"]+)\"|(\w+)))?",
    re.IGNORECASE | re.DOTALL,
)

Listener = Callable[[frozenset[str]], None]


@lru_cache(maxsize=1024)
def written_tables(statement: str) -> frozenset[str]:
    """The tables a statement writes; empty for a read; `ANY_TABLE` when unclear. Kept
    per statement text: the hot statements are the same few, built once."""
    head = statement.lstrip()[:10].upper()
    if head.startswith(("SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
        return frozenset()
    if head.startswith(("PRAGMA", "SHOW", "SET ", "EXPLAIN")):
        return frozenset()
    found = _WRITE.match(statement)
    if found:
        tables = {found.group(1).lower()}
        if head.startswith("TRUNCATE"):
            # TRUNCATE a, b, c [RESTART IDENTITY] [CASCADE]
            rest = found.group(2).split("RESTART")[0].split("CASCADE")[0]
            tables |= {t.strip().strip('"').lower() for t in rest.split(",") if t.strip()}
        return frozenset(tables)
    if head.startswith("WITH"):
        return _clauses_written(statement)
    if _WRITE_WORD.search(statement):
        return frozenset({ANY_TABLE})
    return frozenset()


def _clauses_written(statement: str) -> frozenset[str]:
    """The tables the write clauses of a statement name; `ANY_TABLE` for one that names
    none this can read."""
    tables: set[str] = set()
    for clause in _CLAUSE.finditer(statement):
        verb = " ".join(clause.group(1).upper().split())
        table = clause.group(2) or clause.group(3)
        if verb in ("FOR UPDATE", "FOR NO KEY UPDATE", "DO UPDATE"):
            continue
        if verb in ("INSERT INTO", "UPDATE", "DELETE FROM") and table:
            tables.add(table.lower())
        else:
            tables.add(ANY_TABLE)
    return frozenset(tables)


def diary_table(practitioner_id: int) -> str:
    """The appointments of one practitioner, as a table of their own."""
    return f"{APPOINTMENTS}:{practitioner_id}"


def track_writes(engine: Engine, listeners: list[Listener]) -> None:
    """Tell `listeners` the tables each committed transaction on `engine` wrote."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if tables := written_tables(statement):
            conn.info.setdefault(_WRITTEN, set()).update(tables)

    @event.listens_for(engine, "commit")
    def _committing(conn: Any) -> None:
        diaries = conn.info.pop(DIARIES, None)
        if tables := conn.info.pop(_WRITTEN, None):
            if diaries and APPOINTMENTS in tables:
                tables = (tables - {APPOINTMENTS}) | {diary_table(p) for p in diaries}
            conn.info.setdefault(_COMMITTED, set()).update(tables)

    @event.listens_for(engine, "rollback")
    def _rolled_back(conn: Any) -> None:
        if conn.invalidated:
            # Lost mid-transaction: what it noted goes with it (a new connection starts
            # with nothing), and asking for it would fail the session's close.
            return
        conn.info.pop(_WRITTEN, None)
        conn.info.pop(DIARIES, None)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is None:
            return
        # The same dictionary as the Connection's `info`: the pooled connection's.
        record.info.pop(_WRITTEN, None)
        if tables := record.info.pop(_COMMITTED, None):
            frozen = frozenset(tables)
            for listener in list(listeners):
                listener(frozen)
