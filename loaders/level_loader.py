"""A DataLoader that can also take a whole level of keys at once, without a Future per key.

`load_many` makes a Future, a cache entry and a callback for every key. The query
planner already holds all the keys of a level before it asks, so `load_all` serves
them from the cache where it can and reads the rest with ONE batch, keeping the
values for later `load`s of this request.
"""

from __future__ import annotations

from asyncio import Future
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager, ExitStack
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# Told of every batch (its loader's name and size) around the read: metrics and traces.
BatchObserver = Callable[[str, int], AbstractContextManager[object]]


class LevelLoader(DataLoader[K, V], Generic[K, V]):
    """Subclasses read a batch in `load_batch`; `batch_load_fn` adds the observers."""

    def __init__(self, name: str = "", observers: tuple[BatchObserver, ...] = ()) -> None:
        self.name = name
        self.observers = observers
        # The cache of Futures is ours, handed to DataLoader as its public `cache_map`:
        # `load`, `load_all` and `IdLoader.prime` read it; DataLoader's `_cache` is private.
        self.futures: dict[K, Future[V]] = {}
        super().__init__(cache_map=self.futures)
        # Values known but not yet asked for by `load`: a Future is made only then.
        self._primed: dict[K, V] = {}

    async def load_batch(self, keys: list[K]) -> list[V]:
        raise NotImplementedError

    async def batch_load_fn(self, keys: list[K]) -> list[V]:
        observers = self.observers
        if not observers:
            return await self.load_batch(keys)
        if len(observers) == 1:  # the usual case (metrics): no ExitStack per batch
            with observers[0](self.name, len(keys)):
                return await self.load_batch(keys)
        with ExitStack() as observing:
            for observer in self.observers:
                observing.enter_context(observer(self.name, len(keys)))
            return await self.load_batch(keys)

    def load(self, key: K) -> Future[V]:
        primed = self._primed.pop(key, None)
        if primed is not None and key not in self.futures:
            super().prime(key, primed)
        return super().load(key)

    def clear(self, key: K) -> Any:
        self._primed.pop(key, None)
        return super().clear(key)

    def clear_all(self) -> Any:
        self._primed.clear()
        return super().clear_all()

    async def load_all(self, keys: list[K]) -> list[V]:
        """The values of distinct `keys`, in order: cached ones as they are, the rest
        with one call of the batch function."""
        found: dict[K, V] = {}
        waiting: list[tuple[K, Future[V]]] = []
        missing: list[K] = []
        for key in keys:
            future = self.futures.get(key)
            if future is not None:
                waiting.append((key, future))
            elif key in self._primed:
                found[key] = self._primed[key]
            else:
                missing.append(key)
        if missing:
            values = await self.batch_load_fn(missing)
            for key, value in zip(missing, values, strict=True):
                found[key] = self._primed[key] = value
        for key, future in waiting:
            found[key] = await future
        return [found[key] for key in keys]
