"""What use cases read of the settings, as a protocol: the portal's `Settings` (read from
the environment, `portal/settings.py`) is one, and so is anything a test or a script
hands in. Resolvers never import the portal."""

from __future__ import annotations

from typing import Protocol


class UseCaseSettings(Protocol):
    @property
    def secret_key(self) -> str: ...

    @property
    def public_url(self) -> str: ...

    @property
    def client_token_seconds(self) -> int: ...

    @property
    def cost_budget_per_minute(self) -> int: ...

    @property
    def webhook_secret_grace_hours(self) -> float: ...

    @property
    def webhook_timeout_seconds(self) -> float: ...

    @property
    def webhooks_reach_loopback(self) -> bool: ...

    @property
    def webhooks_over_http(self) -> bool: ...
