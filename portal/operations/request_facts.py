"""What one request's log line and metrics say about it, filled in as it is answered:
the middleware opens it, the GraphQL extension adds the operation and its outcome."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from domain.actors import Actor

#: An `X-Request-ID` a client or proxy sends is kept when it looks like one (letters,
#: digits and `-_.:`, up to 100); anything else is replaced by one made here, so a log
#: line never carries what a caller chose to write into it.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def request_id_from(header: str | None) -> str:
    if header and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


def caller_kind(actor: Actor | None) -> str:
    """Who called, as a log line may say it: anonymous, patient, provisional_patient,
    practitioner, staff, or client:<id> for an API client. Never who in person."""
    if actor is None:
        return "anonymous"
    if actor.client_id is not None:
        return f"client:{actor.client_id}"
    return str(actor.kind).lower()


@dataclass
class RequestFacts:
    request_id: str
    caller: str = "anonymous"
    operation_type: str | None = None
    #: The operation's name as metrics label it (bounded: `metrics.operation_label`).
    operation_name: str | None = None
    outcome: str | None = None


CURRENT: ContextVar[RequestFacts | None] = ContextVar("request_facts", default=None)
