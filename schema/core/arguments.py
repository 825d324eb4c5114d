"""Argument shapes several capabilities share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

#: `from` is a Python keyword, so the argument is `from_` in code.
From = Annotated[
    datetime,
    strawberry.argument(
        name="from",
        description="The start of the window, with a UTC offset, e.g. 2026-12-01T00:00:00+01:00.",
    ),
]
