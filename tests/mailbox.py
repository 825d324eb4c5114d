"""A real SMTP server (aiosmtpd) that keeps what it receives, for email tests."""

from __future__ import annotations

import asyncio
import email
from dataclasses import dataclass
from email.message import Message
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller

from persistence.database import Database
from tests.support import free_port, unsent_emails


@dataclass(frozen=True)
class Received:
    to: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        return str(body.get_content()) if body else ""

    def html(self) -> str:
        body = self.message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
        return str(body.get_content()) if body else ""


class Mailbox:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.received: list[Received] = []
        self._controller: Controller | None = None
        #: The database whose outbox the senders deliver to this server.
        self.database: Database | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait until at least `count` messages arrived and the outbox has nothing left
        to send: then every email queued so far is here, and no other is on its way."""
        assert self.database is not None, "the mailbox fixture names the outbox's database"
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.received) < count or await unsent_emails(self.database):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"expected {count} emails and an empty outbox, got "
                    f"{[r.subject for r in self.received]}"
                )
            await asyncio.sleep(0.05)
        return list(self.received)
