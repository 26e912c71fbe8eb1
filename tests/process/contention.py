"""Real contention: many clients started together, each on its own pooled connection."""

from __future__ import annotations

import asyncio
from typing import Any

MAX_CLIENTS = 32


async def released_together(*calls: Any) -> list[Any]:
    """Start every call, then let them all go at once."""
    start = asyncio.Event()

    async def when_released(coroutine: Any) -> Any:
        await start.wait()
        return await coroutine

    tasks = [asyncio.create_task(when_released(c)) for c in calls]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)
