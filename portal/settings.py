"""Settings from the environment, with defaults that run on a bare machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET = "development-only-secret-change-me"


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
    #: Proxies (addresses or networks) whose X-Forwarded-For names the client; from no
    #: one else is that header believed.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def production(self) -> bool:
        return self.environment == "production"

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
            trusted_proxies=tuple(
                p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
        )
