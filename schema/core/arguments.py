"""Argument shapes several capabilities share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

#: `from` is a Python keyword, so the argument is `from_` in code.
From = Annotated[datetime, strawberry.argument(name="from")]
