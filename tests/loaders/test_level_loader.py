"""LevelLoader's cache is the `futures` map it hands aiodataloader as `cache_map`: the
planner's `load_all` and `IdLoader.prime` read it, so an aiodataloader that stopped
caching through that map would make them miss silently."""

from __future__ import annotations

import asyncio

from loaders.level_loader import LevelLoader


class Squares(LevelLoader[int, int]):
    """Squares of its keys; every call of the batch function is noted in `batches`."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[int]] = []

    async def load_batch(self, keys: list[int]) -> list[int]:
        self.batches.append(list(keys))
        return [key * key for key in keys]


async def test_load_caches_its_future_in_futures() -> None:
    loader = Squares()

    future = loader.load(3)

    assert loader.futures == {3: future}  # aiodataloader caches through the given map
    assert await future == 9


async def test_two_loads_of_a_key_are_one_batch_call() -> None:
    loader = Squares()

    first, second = await asyncio.gather(loader.load(2), loader.load(2))
    again = await loader.load(2)

    assert first == second == again == 4
    assert loader.batches == [[2]]


async def test_loads_in_one_tick_are_one_batch_call() -> None:
    loader = Squares()

    values = await asyncio.gather(*(loader.load(key) for key in (1, 2, 3)))

    assert values == [1, 4, 9]
    assert loader.batches == [[1, 2, 3]]
    assert list(loader.futures) == [1, 2, 3]


async def test_load_all_after_load_reuses_the_future() -> None:
    loader = Squares()
    await loader.load(2)

    values = await loader.load_all([2, 5])

    assert values == [4, 25]
    assert loader.batches == [[2], [5]]  # only the key with no Future was read


async def test_load_all_waits_for_a_pending_future_instead_of_reading_again() -> None:
    loader = Squares()
    pending = loader.load(2)

    values = await loader.load_all([2, 5])

    assert values == [4, 25]
    assert pending.done()
    assert sorted(map(sorted, loader.batches)) == [[2], [5]]


async def test_load_after_load_all_makes_its_future_without_a_batch() -> None:
    loader = Squares()
    await loader.load_all([4])
    assert not loader.futures  # load_all makes no Future per key

    assert await loader.load(4) == 16
    assert list(loader.futures) == [4]
    assert loader.batches == [[4]]


async def test_clear_drops_the_key_from_futures_and_the_next_load_reads_again() -> None:
    loader = Squares()
    await loader.load(2)
    await loader.load(3)

    loader.clear(2)

    assert list(loader.futures) == [3]
    assert await loader.load(2) == 4
    assert loader.batches == [[2], [3], [2]]


async def test_clear_all_empties_futures_and_the_values_load_all_kept() -> None:
    loader = Squares()
    await loader.load(2)
    await loader.load_all([3])

    loader.clear_all()

    assert not loader.futures
    assert await loader.load_all([2, 3]) == [4, 9]
    assert loader.batches == [[2], [3], [2, 3]]
