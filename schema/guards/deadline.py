"""A bound on the wall time of one query or mutation; subscriptions are exempt."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

log = logging.getLogger("portal.errors")

DEFAULT_SECONDS = 10.0
TIMEOUT = "TIMEOUT"


class OperationTimeout(SchemaExtension):
    """Cancels the execution of a query or mutation that runs longer than `seconds` and
    answers a coded error instead, so that no request holds the process for long. (While
    it runs it shares the event loop with every other request: the cost budget is what
    keeps such requests from starting.)

    The bound covers execution (resolvers, database round trips), over HTTP and over
    websockets; a subscription runs as long as its client listens. A mutation stopped
    this way may or may not have committed, as with any lost connection.
    """

    def __init__(self, seconds: float = DEFAULT_SECONDS) -> None:
        self.seconds = seconds

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if self.seconds <= 0 or context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        try:
            async with asyncio.timeout(self.seconds):
                yield
        except TimeoutError:
            log.warning(
                "Operation %s stopped after %s s",
                context.operation_name or "<anonymous>",
                self.seconds,
            )
            raise GraphQLError(
                f"The operation ran past the time limit of {self.seconds:g} s and was stopped.",
                extensions={"code": TIMEOUT, "seconds": self.seconds},
            ) from None
