"""`portal`: serve the API, migrate the database, create staff, load demo data, print the
schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.errors import DomainError
from persistence.database import Database
from persistence.migrate import startup_lock, upgrade
from portal.operations.logs import configure_logging
from portal.settings import Settings
from resolvers.deps import Deps
from subscriptions.hub import Hub

T = TypeVar("T")


def _run(settings: Settings, job: Callable[[Deps], Awaitable[T]]) -> T:
    async def main() -> T:
        database = Database(settings.database_url)
        deps = Deps(settings=settings, database=database, hub=Hub("memory://"))
        try:
            return await job(deps)
        finally:
            await database.dispose()

    return asyncio.run(main())


def migrate(settings: Settings) -> None:
    from portal.demo import ensure_clinic

    upgrade(settings.database_url)
    with startup_lock(settings.database_url):  # processes started at once add one clinic
        _run(settings, ensure_clinic)


def load_demo_data(settings: Settings) -> bool:
    from portal.demo import load_demo_data_if_empty

    with startup_lock(settings.database_url):  # and load the demo data once
        return _run(settings, load_demo_data_if_empty)


def served_app() -> Any:
    """The app as each of `portal serve --processes N`'s processes makes it."""
    from portal.app import create_app

    settings = Settings.from_env()
    configure_logging(json_lines=settings.log_json)
    return create_app(settings)


def _uvicorn_config(settings: Settings, app: Any, host: str, port: int, **more: Any) -> Any:
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        # Logging is ours (portal/operations/logs.py): uvicorn's loggers write through
        # it, and its access log is replaced by one line per request with no paths.
        log_config=None,
        access_log=False,
        lifespan="on",
        # A websocket message is held to the same limit as a request body.
        ws_max_size=settings.max_body_bytes,
        # permessage-deflate only when asked (WEBSOCKET_COMPRESSION): measured, it costs
        # server memory per socket and CPU per delivered event, for frames of a few
        # hundred bytes (docs/decisions.md, "Compression").
        ws_per_message_deflate=settings.websocket_compression,
        proxy_headers=False,
        # On SIGTERM (after SHUTDOWN_DRAIN_SECONDS): stop accepting, close websockets
        # with 1012, let requests in flight finish for this long, then the lifespan
        # relays what is still staged.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_seconds)),
        **more,
    )


def serve_processes(settings: Settings, host: str, port: int, processes: int) -> None:
    """`processes` server processes on one port, started and restarted by uvicorn's
    supervisor; their metrics summed through prometheus-client's multiprocess files,
    in a folder wiped first."""
    from uvicorn.supervisors import Multiprocess

    from portal.operations.metrics import MULTIPROCESS_DIR

    folder = os.environ.get(MULTIPROCESS_DIR) or tempfile.mkdtemp(prefix="portal-metrics-")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)
    os.environ[MULTIPROCESS_DIR] = folder
    config = _uvicorn_config(
        settings, "portal.cli:served_app", host, port, factory=True, workers=processes
    )
    logging.getLogger("portal").info("%s processes serving on http://%s:%s", processes, host, port)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def serve(settings: Settings, host: str, port: int, demo: bool, processes: int = 1) -> None:

    from portal.app import WEB_PAGES, create_app
    from portal.orientation import (
        Orientation,
        OrientingServer,
        demo_sign_ins_present,
        demo_slot_query,
    )

    migrate(settings)
    if demo and load_demo_data(settings):
        logging.getLogger("portal").info("Loaded demo data")
    if processes > 1:
        serve_processes(settings, host, port, processes)
        return
    orientation = Orientation(
        graphiql=not settings.production,
        pages=WEB_PAGES.is_dir(),
        demo_sign_ins=demo and _run(settings, demo_sign_ins_present),
        slot_query=_run(settings, demo_slot_query) if demo else None,
    )
    # The app reads X-Forwarded-For itself, from TRUSTED_PROXIES only (uvicorn's own
    # handling would trust 127.0.0.1 unasked).
    config = _uvicorn_config(settings, create_app(settings), host, port)
    OrientingServer(config, orientation).run()


def print_schema() -> None:
    """The served schema's SDL, for client code generators."""
    from schema.build import build_schema

    print(build_schema(production=False).as_str())


#: Demo data publishes its sign-ins (the README's staff password among them): never on a
#: live clinic.
NO_DEMO_IN_PRODUCTION = (
    "Demo data is never loaded in production (PORTAL_ENV=production): its sign-ins are "
    "published. Create staff with `portal create-staff`, or unset PORTAL_ENV to try the demo."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="migrate, then serve GraphQL on /graphql")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes on this port (metrics summed over them); default 1",
    )
    demo = serve_cmd.add_mutually_exclusive_group()
    demo.add_argument(
        "--demo",
        dest="demo",
        action="store_true",
        default=None,
        help="load the demo data into an empty database (development only; the default there)",
    )
    demo.add_argument("--no-demo", dest="demo", action="store_false", help="do not load demo data")
    commands.add_parser("migrate", help="bring the database to the newest schema")
    staff = commands.add_parser("create-staff", help="add a staff sign-in")
    staff.add_argument("--email", required=True)
    staff.add_argument("--password", required=True)
    staff.add_argument("--name", required=True)
    commands.add_parser("demo-data", help="load demo data into an empty database")
    commands.add_parser("schema", help="print the served schema (SDL) for code generators")
    commands.add_parser(
        "catalogues",
        help="bring every language's catalogues up to the phrases in the code and pages",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":  # needs no settings, database or secret
        print_schema()
        return 0
    if args.command == "catalogues":  # a developer's tool: reads and writes source files
        from portal.catalogues import update

        update()
        print(
            "Catalogues updated: translate the empty msgstr entries in domain/locales and"
            " client-examples/web/locales, then run portal catalogues again for the pages' words."
        )
        return 0
    settings = Settings.from_env()
    configure_logging(json_lines=settings.log_json)
    wants_demo = args.command == "demo-data" or (args.command == "serve" and args.demo)
    if settings.production and wants_demo:
        print(NO_DEMO_IN_PRODUCTION, file=sys.stderr)
        return 2

    if args.command == "serve":
        demo_data = not settings.production if args.demo is None else args.demo
        serve(settings, args.host, args.port, demo=demo_data, processes=max(1, args.processes))
    elif args.command == "migrate":
        migrate(settings)
        print("Database is at the newest schema.")
    elif args.command == "create-staff":
        from resolvers.accounts.sign_in import create_staff

        migrate(settings)
        try:
            user = _run(
                settings,
                lambda s: create_staff(s, email=args.email, password=args.password, name=args.name),
            )
        except DomainError as error:
            print(f"Not created: {error.message}", file=sys.stderr)
            return 1
        print(f"Staff user {user.email} created (id {user.id}).")
    elif args.command == "demo-data":
        migrate(settings)
        loaded = load_demo_data(settings)
        print("Demo data loaded." if loaded else "The database already has data; nothing loaded.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
