"""An in-process app built from the test settings with some of them changed."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from portal.app import create_app
from portal.settings import Settings
from tests.support import GraphQL


@asynccontextmanager
async def client_of(settings: Settings, **changes: Any) -> AsyncIterator[GraphQL]:
    """A client of the whole service, e.g. `client_of(settings, environment="production")`."""
    app = create_app(dataclasses.replace(settings, **changes))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://portal.test", timeout=120
        ) as client:
            yield GraphQL(client)
    # What a worker cancelled mid-query at shutdown left is collected at this app's end
    # (as `production_gql` does), not reported inside whichever test comes next.
    gc.collect()
