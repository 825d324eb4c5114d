"""Where outbox email goes: an SMTP server (SMTP_URL), or a folder in the embedded default."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlparse

import aiosmtplib

from domain.messages import SENDER, Email


def to_message(email: Email, sender: str = SENDER) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    if email.calendar is not None:
        message.add_attachment(
            email.calendar.text,
            subtype="calendar",
            filename="visit.ics",
            params={"method": email.calendar.method},
        )
    return message


class SmtpMailer:
    """`smtp://[user:password@]host:port` (or `smtps://` for TLS on connect)."""

    def __init__(self, url: str, sender: str = SENDER) -> None:
        parsed = urlparse(url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
        self.tls = parsed.scheme == "smtps"
        self.username = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.sender = sender

    async def send(self, email: Email) -> None:
        await aiosmtplib.send(
            to_message(email, self.sender),
            hostname=self.host,
            port=self.port,
            use_tls=self.tls,
            start_tls=False,
            username=self.username,
            password=self.password,
            timeout=15,
        )


class FolderMailer:
    """Writes each message as an .eml file, so the embedded default needs no mail server."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._count = 0

    async def send(self, email: Email) -> None:
        self._count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{asyncio.get_running_loop().time():.6f}-{self._count}-{email.kind}.eml"
        (self.folder / name).write_bytes(bytes(to_message(email)))
