"""DataLoaders, made per request (and per subscription event) and only when used.

A capability declares its loaders as `LoaderKey`s in its own `loaders.py`, each over a
batch function of `persistence.batches`; `context.loaders[KEY]` gives that request's
loader. Adding a loader never edits a central list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from strawberry.dataloader import DataLoader

from persistence.database import Database

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class LoaderKey(Generic[K, V]):
    """A named batch function: one query per batch of keys, answers in the keys' order."""

    name: str
    batch: Callable[[Database, list[K]], Awaitable[Sequence[V]]]


class Loaders:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._made: dict[str, DataLoader[Any, Any]] = {}

    def __getitem__(self, key: LoaderKey[K, V]) -> DataLoader[K, V]:
        loader = self._made.get(key.name)
        if loader is None:

            async def load(keys: list[K]) -> Sequence[V]:
                return await key.batch(self._database, keys)

            loader = self._made[key.name] = DataLoader(load_fn=load)
        return cast(DataLoader[K, V], loader)
