"""The per-process read cache: what it keeps, and what drops it (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from persistence.changes import ANY_TABLE, diary_table, written_tables
from persistence.read_cache import CATALOG, MAX_WEIGHT, ReadCache, diary

DIARY = diary(7)

NOW = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)


class Reads:
    """A read that counts how often it really ran."""

    def __init__(self, value: object = "rows") -> None:
        self.value = value
        self.runs = 0

    async def __call__(self) -> object:
        self.runs += 1
        return self.value


async def test_nothing_is_kept_until_the_process_hears_the_others() -> None:
    cache, read = ReadCache(), Reads()
    await cache.read("k", CATALOG, read)
    await cache.read("k", CATALOG, read)
    assert read.runs == 2
    cache.listen()
    await cache.read("k", CATALOG, read)
    await cache.read("k", CATALOG, read)
    assert read.runs == 3


async def test_a_change_to_a_table_read_drops_it_and_others_stay() -> None:
    cache = ReadCache()
    cache.listen()
    slots, rules = Reads(), Reads()
    await cache.read("slots", CATALOG | DIARY, slots)
    await cache.read("rules", CATALOG, rules)
    cache.changed(frozenset({"appointments"}))
    await cache.read("slots", CATALOG | DIARY, slots)
    await cache.read("rules", CATALOG, rules)
    assert (slots.runs, rules.runs) == (2, 1)
    cache.changed(frozenset({"patients", "users"}))
    await cache.read("slots", CATALOG | DIARY, slots)
    assert slots.runs == 2


async def test_a_change_to_one_diary_leaves_what_was_read_of_another() -> None:
    cache = ReadCache()
    cache.listen()
    seven, eight = Reads(), Reads()
    for _ in range(2):
        await cache.read("seven", CATALOG | diary(7), seven)
        await cache.read("eight", CATALOG | diary(8), eight)
        cache.changed(frozenset({diary_table(7)}))
    assert (seven.runs, eight.runs) == (2, 1)
    assert cache.concerns(frozenset({diary_table(8)}))
    cache.changed(frozenset({"appointments"}))  # whose, unknown: every diary
    await cache.read("eight", CATALOG | diary(8), eight)
    assert eight.runs == 2


async def test_a_read_under_way_while_its_tables_changed_is_not_kept() -> None:
    cache = ReadCache()
    cache.listen()

    async def raced() -> str:
        cache.changed(frozenset({"appointments"}))  # committed while this read ran
        return "older than the change"

    assert await cache.read("slots", DIARY, raced) == "older than the change"
    fresh = Reads("fresh")
    assert await cache.read("slots", DIARY, fresh) == "fresh"
    assert fresh.runs == 1


async def test_an_entry_is_good_only_until_the_moment_it_names() -> None:
    cache = ReadCache()
    cache.listen()
    read = Reads()
    until = NOW + timedelta(seconds=20)
    await cache.read("k", DIARY, read, now=NOW, good_until=lambda _: until)
    await cache.read("k", DIARY, read, now=until - timedelta(microseconds=1))
    await cache.read("k", DIARY, read, now=until)
    assert read.runs == 2


async def test_losing_the_broadcaster_drops_everything_and_keeps_nothing() -> None:
    cache = ReadCache()
    cache.listen()
    read = Reads()
    await cache.read("k", CATALOG, read)
    cache.deaf()
    await cache.read("k", CATALOG, read)
    await cache.read("k", CATALOG, read)
    assert read.runs == 3


async def test_announcements_from_others_drop_and_its_own_are_skipped() -> None:
    here, there = ReadCache(origin="here"), ReadCache(origin="there")
    here.listen()
    read = Reads()
    await here.read("k", CATALOG, read)
    here.heard(here.announcement(frozenset({"clinic"})))
    await here.read("k", CATALOG, read)
    assert read.runs == 1
    here.heard(there.announcement(frozenset({"session_series"})))
    await here.read("k", CATALOG, read)
    assert read.runs == 2
    here.heard("not json at all")  # unreadable: everything may have changed
    await here.read("k", CATALOG, read)
    assert read.runs == 3


def test_the_tables_a_statement_writes_are_read_off_it() -> None:
    assert written_tables("INSERT INTO appointments (status) VALUES ($1)") == {"appointments"}
    assert written_tables('UPDATE "clinic" SET name = $1') == {"clinic"}
    assert written_tables("DELETE FROM session_series WHERE id = 1") == {"session_series"}
    assert written_tables("TRUNCATE clinic, users RESTART IDENTITY CASCADE") == {
        "clinic",
        "users",
    }
    assert written_tables("SELECT * FROM appointments FOR UPDATE") == frozenset()
    assert written_tables("BEGIN IMMEDIATE") == frozenset()
    assert written_tables("WITH gone AS (DELETE FROM outbox RETURNING id) SELECT 1") == {"outbox"}
    placed = (
        "WITH lapsed AS (UPDATE appointments SET status = $1 RETURNING id), "
        "placed AS (INSERT INTO appointments (status, updated_at) SELECT $2 RETURNING id) "
        "SELECT placed.id FROM placed LEFT OUTER JOIN lapsed ON true"
    )
    assert written_tables(placed) == {"appointments"}
    assert written_tables("WITH due AS (SELECT id FROM outbox FOR UPDATE) SELECT 1") == set()
    upsert = "WITH x AS (SELECT 1) INSERT INTO users SELECT 1 ON CONFLICT DO UPDATE SET a = 1"
    assert written_tables(upsert) == {"users"}
    assert written_tables('WITH x AS (SELECT 1) DELETE FROM "odd table"') == {"odd table"}
    assert written_tables("WITH x AS (SELECT 1) DELETE FROM") == {ANY_TABLE}


async def test_windows_asked_for_by_the_thousand_never_weigh_more_than_the_bound() -> None:
    cache = ReadCache()
    cache.listen()
    heavy = MAX_WEIGHT // 10
    for window in range(1_000):
        await cache.read(("slots", window), DIARY, Reads([0] * heavy), size=len)
        assert cache.weight <= MAX_WEIGHT
    cache.changed(frozenset({"appointments"}))
    assert cache.weight == 0
