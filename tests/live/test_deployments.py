"""Deployments sharing one Redis never hear each other; one deployment's processes do."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL, make_url

from persistence.database import Database
from persistence.database_identity import database_identity
from persistence.migrate import upgrade_async
from portal.settings import Settings
from resolvers.deps import Deps
from subscriptions.events import slot_channel
from subscriptions.hub import Hub, prefix_for
from tests import factories
from tests.api.test_holds import hold
from tests.conftest import running_servers
from tests.databases import fresh_database
from tests.live.test_live_slots import SLOT_CHANGES, next_change, window
from tests.redis_watch import live_subscription
from tests.support import GraphQL, ServerProcess, broadcast_url, on_redis


@pytest.mark.skipif(not on_redis(), reason="deployments meet only on BROADCAST_URL=redis://")
async def test_an_event_in_another_deployment_on_the_same_redis_never_reaches_this_one(
    server: ServerProcess,
    server_gql: GraphQL,
    deps: Deps,
    settings: Settings,
    run_dir: Path,
) -> None:
    ours = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    with fresh_database(run_dir, "other_deployment") as other_url:
        await upgrade_async(other_url)
        other = Deps(settings=settings, database=Database(other_url), hub=Hub("memory://"))
        try:
            await factories.clinic(other)
            theirs = await factories.online_practitioner(other)
            ben = await factories.user(other)
            other_prefix = prefix_for(await database_identity(other.database))
        finally:
            await other.database.dispose()
        # Without a prefix both deployments would use this very channel name.
        assert theirs.practitioner_id == ours.practitioner_id
        assert other_prefix != deps.hub.prefix
        channel = slot_channel(int(ours.practitioner_id))
        their_start = factories.slot_start(hour=10)
        our_start = their_start + timedelta(minutes=30)

        with running_servers(settings, run_dir, 1, DATABASE_URL=other_url) as (other_server,):
            in_ours = await live_subscription(
                server.ws_url,
                SLOT_CHANGES,
                window(ours, their_start),
                redis_url=broadcast_url(),
                channel=deps.hub.wire_channel(channel),
            )
            in_theirs = await live_subscription(
                other_server.ws_url,
                SLOT_CHANGES,
                window(theirs, their_start),
                redis_url=broadcast_url(),
                channel=Hub("memory://", prefix=other_prefix).wire_channel(channel),
            )
            try:
                async with httpx.AsyncClient(base_url=other_server.url) as client:
                    held = await hold(GraphQL(client), theirs, their_start, ben.token)
                assert held["__typename"] == "Hold"
                assert await next_change(in_theirs) == (their_start, "HELD")

                assert (await hold(server_gql, ours, our_start, anna.token))["__typename"] == "Hold"
                # Their change went out on the shared Redis before ours was even made, so
                # had it reached our subscriber it would have come first.
                assert await next_change(in_ours) == (our_start, "HELD")
            finally:
                await in_ours.__aexit__(None, None, None)
                await in_theirs.__aexit__(None, None, None)


def another_spelling(url: URL) -> URL | None:
    """The same database under another name: a relative path, or the host's other name."""
    if url.get_backend_name() == "sqlite":
        return url.set(database=os.path.relpath(url.database)) if url.database else None
    host = url.host or "localhost"
    try:
        ip_address(host)
    except ValueError:
        return url.set(host=socket.gethostbyname(host))
    return url.set(host="localhost") if host == "127.0.0.1" else None


async def test_processes_reaching_one_database_under_different_names_share_channels(
    settings: Settings, deps: Deps
) -> None:
    url = make_url(settings.database_url)
    other = another_spelling(url)
    if other is None:
        pytest.skip("no second name for the database is known")
    assert other.render_as_string() != url.render_as_string()

    database = Database(other.render_as_string(hide_password=False))
    try:
        assert prefix_for(await database_identity(database)) == deps.hub.prefix
    finally:
        await database.dispose()
