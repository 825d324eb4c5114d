"""Settings from the environment, with defaults that run on a bare machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strawberry.http.websocket_origin import normalize_allowed_origins

from domain.budgets import DEFAULT_PER_MINUTE
from domain.socket_limits import DEFAULT_PER_ADDRESS as DEFAULT_SOCKETS_PER_ADDRESS
from domain.socket_limits import DEFAULT_PER_USER as DEFAULT_SOCKETS_PER_USER
from portal.middleware.http_limits import DEFAULT_MAX_BODY_BYTES
from resolvers.deps import Deps
from schema.guards.cost import DEFAULT_BUDGET
from schema.guards.deadline import DEFAULT_SECONDS

DEV_SECRET = "development-only-secret-change-me"
#: Origins whose pages may call the API from a browser in development, unless CORS_ORIGINS
#: says otherwise: the example pages as `portal serve` shows them, by address and by name.
DEV_CORS_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")


@dataclass(frozen=True)
class Settings:
    database_url: str
    broadcast_url: str
    secret_key: str
    environment: str
    smtp_url: str | None
    mail_folder: Path
    public_url: str
    #: How often this process lapses expired holds; 0 turns its sweeper off.
    sweep_seconds: float = 5.0
    mail_poll_seconds: float = 1.0
    #: Put before every live-update channel name; None derives one from the database, so
    #: deployments sharing one Redis never hear each other.
    channel_prefix: str | None = None
    #: Operations estimated to cost more are refused before they run (schema/cost.py).
    query_cost_budget: int = DEFAULT_BUDGET
    #: What each API client, signed-in user and anonymous client address may spend a
    #: minute, over all processes (domain/budgets.py); 0 turns the budgets off.
    cost_budget_per_minute: int = DEFAULT_PER_MINUTE
    #: Queries and mutations running longer are stopped; 0 turns the bound off.
    operation_timeout_seconds: float = DEFAULT_SECONDS
    #: Larger request bodies (and websocket messages) are refused unread.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: Proxies (addresses or networks) whose X-Forwarded-For names the client; from no
    #: one else is that header believed.
    trusted_proxies: tuple[str, ...] = ()
    #: How long an API client's access token lives (client-credentials grant).
    client_token_seconds: int = 15 * 60
    #: Websockets one client address, and one signed-in user or API client, may hold
    #: open in one process; 0 admits any number.
    max_sockets_per_address: int = DEFAULT_SOCKETS_PER_ADDRESS
    max_sockets_per_user: int = DEFAULT_SOCKETS_PER_USER

    #: How often this process looks for webhook deliveries due; 0 turns its sender off.
    webhook_poll_seconds: float = 1.0
    #: A webhook delivery attempt gets no longer than this, connecting included.
    webhook_timeout_seconds: float = 10.0
    #: After a secret rotation the previous secret also signs for this long.
    webhook_secret_grace_hours: float = 24.0
    #: Whether webhooks may go to loopback addresses (a local receiver in development);
    #: production never allows it, whatever this says.
    webhook_allow_loopback: bool = True
    #: How often this process forgets the live events it relayed and relays those another
    #: left behind; 0 turns its relay worker off.
    event_relay_seconds: float = 0.5
    #: The live feeds' history (for subscribers resuming with `since`): at least this many
    #: minutes, and never trimmed while it holds fewer than `event_history_count` events.
    event_history_minutes: float = 15.0
    event_history_count: int = 10_000
    #: How often this process looks for waitlist offers to make (a commit of its own that
    #: frees a time wakes it at once); 0 turns its waitlist worker off.
    waitlist_seconds: float = 1.0
    #: How often this process looks for visit reminders due; 0 turns its reminder worker off.
    reminder_seconds: float = 30.0
    #: On SIGTERM, requests in flight get this long to finish before the process stops
    #: (websockets are closed at once with 1012, service restart, to resume elsewhere).
    shutdown_grace_seconds: float = 20.0
    #: Whether this process keeps the reads every portal repeats (persistence/read_cache.py).
    #: From the environment (READ_CACHE): on beside Redis, where every process of the
    #: deployment hears every other's changes; off on the in-memory broadcaster.
    read_cache: bool = False

    #: Prometheus metrics kept by this process (METRICS; on by default) and who may read
    #: them at /metrics: the bearer of METRICS_TOKEN; without one, nobody in production
    #: and this machine's own clients in development.
    metrics: bool = True
    metrics_token: str | None = None
    #: One log line per request (LOG_REQUESTS), as JSON objects (LOG_FORMAT=json, the
    #: default in production) or readable text (the default in development).
    log_requests: bool = True
    log_json: bool = False
    #: On SIGTERM, /health/ready answers 503 at once and the process goes on serving this
    #: long (so load balancers stop sending it traffic) before it stops accepting.
    shutdown_drain_seconds: float = 0.0
    #: Whether websockets may use permessage-deflate when the client offers it
    #: (WEBSOCKET_COMPRESSION; off by default, see docs/decisions.md).
    websocket_compression: bool = False

    #: Origins (scheme://host[:port]) whose pages may call the API from a browser, over
    #: HTTP (CORS) and websockets; "*" for any. From the environment: none by default in
    #: production, the local example pages' in development.
    cors_origins: tuple[str, ...] = ()

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def webhooks_reach_loopback(self) -> bool:
        return self.webhook_allow_loopback and not self.production

    @property
    def webhooks_over_http(self) -> bool:
        """Plain http endpoints, in development only."""
        return not self.production

    @classmethod
    def from_env(cls) -> Settings:
        environment = os.environ.get("PORTAL_ENV", "development")
        if environment not in ("development", "production"):
            raise SystemExit("PORTAL_ENV must be 'development' or 'production'.")
        secret = os.environ.get("SECRET_KEY", "")
        if not secret:
            if environment == "production":
                raise SystemExit("Set SECRET_KEY in production.")
            secret = DEV_SECRET
        return cls(
            database_url=os.environ.get("DATABASE_URL") or "sqlite+aiosqlite:///portal.db",
            broadcast_url=os.environ.get("BROADCAST_URL") or "memory://",
            secret_key=secret,
            environment=environment,
            smtp_url=os.environ.get("SMTP_URL") or None,
            mail_folder=Path(os.environ.get("MAIL_FOLDER", "mail-outbox")),
            public_url=os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            sweep_seconds=float(os.environ.get("HOLD_SWEEP_SECONDS", "5")),
            mail_poll_seconds=float(os.environ.get("MAIL_POLL_SECONDS", "1")),
            channel_prefix=os.environ.get("CHANNEL_PREFIX", "").strip() or None,
            query_cost_budget=int(os.environ.get("QUERY_COST_BUDGET", DEFAULT_BUDGET)),
            cost_budget_per_minute=int(
                os.environ.get("COST_BUDGET_PER_MINUTE", DEFAULT_PER_MINUTE)
            ),
            operation_timeout_seconds=float(
                os.environ.get("OPERATION_TIMEOUT_SECONDS", DEFAULT_SECONDS)
            ),
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
            client_token_seconds=int(os.environ.get("CLIENT_TOKEN_SECONDS", 15 * 60)),
            max_sockets_per_address=_count("MAX_SOCKETS_PER_ADDRESS", DEFAULT_SOCKETS_PER_ADDRESS),
            max_sockets_per_user=_count("MAX_SOCKETS_PER_USER", DEFAULT_SOCKETS_PER_USER),
            trusted_proxies=tuple(
                p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            webhook_poll_seconds=float(os.environ.get("WEBHOOK_POLL_SECONDS", "1")),
            **_live_events(),
            webhook_timeout_seconds=float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10")),
            webhook_secret_grace_hours=float(os.environ.get("WEBHOOK_SECRET_GRACE_HOURS", "24")),
            webhook_allow_loopback=_switch(os.environ.get("WEBHOOK_ALLOW_LOOPBACK"), default=True),
            read_cache=_switch(
                os.environ.get("READ_CACHE"),
                default=(os.environ.get("BROADCAST_URL") or "").startswith(("redis", "rediss")),
            ),
            **_operations(environment),
            cors_origins=cors_origins(
                os.environ.get("CORS_ORIGINS"),
                default=() if environment == "production" else DEV_CORS_ORIGINS,
            ),
        )


def _live_events() -> dict[str, Any]:
    """The live events' relay, history and hand-over at shutdown, from the environment."""
    return {
        "event_relay_seconds": float(os.environ.get("EVENT_RELAY_SECONDS", "0.5")),
        "event_history_minutes": float(os.environ.get("EVENT_HISTORY_MINUTES", "15")),
        "event_history_count": _count("EVENT_HISTORY_COUNT", 10_000),
        "shutdown_grace_seconds": float(os.environ.get("SHUTDOWN_GRACE_SECONDS", "20")),
        "waitlist_seconds": float(os.environ.get("WAITLIST_SECONDS", "1")),
        "reminder_seconds": float(os.environ.get("REMINDER_SECONDS", "30")),
    }


def _operations(environment: str) -> dict[str, Any]:
    """Metrics, logs and shutdown, from the environment (docs/operations.md)."""
    log_format = os.environ.get("LOG_FORMAT", "").strip().lower()
    if log_format not in ("", "json", "text"):
        raise SystemExit("LOG_FORMAT must be 'json' or 'text'.")
    return {
        "metrics": _switch(os.environ.get("METRICS"), default=True),
        "metrics_token": os.environ.get("METRICS_TOKEN", "").strip() or None,
        "log_requests": _switch(os.environ.get("LOG_REQUESTS"), default=True),
        "log_json": log_format == "json" or (not log_format and environment == "production"),
        "shutdown_drain_seconds": float(os.environ.get("SHUTDOWN_DRAIN_SECONDS", "0")),
        "websocket_compression": _switch(os.environ.get("WEBSOCKET_COMPRESSION"), default=False),
    }


def _count(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _switch(setting: str | None, *, default: bool) -> bool:
    if setting is None or not setting.strip():
        return default
    return setting.strip().lower() not in ("0", "false", "no", "off")


def cors_origins(setting: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """CORS_ORIGINS, comma-separated, as browsers send them in `Origin` (lowercase, no
    default port); unset means `default`, set but empty means none."""
    if setting is None:
        return default
    origins = [origin.strip() for origin in setting.split(",") if origin.strip()]
    try:
        return tuple(sorted(normalize_allowed_origins(origins)))
    except ValueError as error:
        raise SystemExit(f"CORS_ORIGINS: {error}") from None


def settings_of(deps: Deps) -> Settings:
    """The portal's own settings, which use cases see only as `UseCaseSettings`: the
    portal put them in `deps` (`create_app`, the `portal` command)."""
    if not isinstance(deps.settings, Settings):
        raise TypeError("The portal needs its Settings in Deps")
    return deps.settings
