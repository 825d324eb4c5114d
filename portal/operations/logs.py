"""Logging: one JSON object per line in production, readable lines in development, both
through `structlog` over the standard library's loggers (ours, uvicorn's, SQLAlchemy's),
each line carrying the request id of the request it was written in.

What may be logged: ids, kinds, names of operations and routes, durations, codes.
Never a token, password, email address, person's name, note or variable value; the
request line is built from those facts only (`portal/operations/request_log.py`).
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

from portal.operations.request_facts import CURRENT


def with_request_id(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The id of the request this line was written in, if any (read from the request's
    facts when a line is written: nothing is bound per request)."""
    facts = CURRENT.get()
    if facts is not None:
        event.setdefault("request_id", facts.request_id)
    return event


def _without_uvicorns_colours(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    event.pop("color_message", None)
    return event


def configure_logging(*, json_lines: bool, level: int = logging.INFO) -> None:
    shared: list[Processor] = [
        with_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _without_uvicorns_colours,
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if json_lines
        # Plain tracebacks: the default (rich's, when installed) prints every frame's
        # local variables, which may hold personal data, and takes seconds per fault.
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *([structlog.processors.format_exc_info] if json_lines else []),
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Our request line replaces uvicorn's access log (which would print link and feed
    # paths, tokens and all).
    logging.getLogger("uvicorn.access").disabled = True
