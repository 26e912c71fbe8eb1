"""How a Python frontend renames an order with the generated client.

The client is signed in: every request carries the user's access token. Every
outcome is a member of the result union; a stale write is answered by re-reading
the order and retrying once with its current `lastchange`.
"""

from __future__ import annotations

from mwallet_client import Client, UpdateOrderInput
from mwallet_client.update_order import (
    UpdateOrderResultForbiddenError,
    UpdateOrderResultNotFoundError,
    UpdateOrderResultOrder,
    UpdateOrderResultStaleDataError,
    UpdateOrderResultValidationError,
)

RETRIES_AFTER_STALE_WRITE = 1


def signed_in(url: str, access_token: str) -> Client:
    """The generated client acting as the user of `access_token` (from signing in)."""
    return Client(url=url, headers={"Authorization": f"Bearer {access_token}"})


class OrderGone(Exception):
    """The order was deleted meanwhile."""


class OrderKeepsChanging(Exception):
    """Others saved the order again before every retry: ask the user to try later."""


async def rename_order(client: Client, order_id: str, memo: str, lastchange: str) -> str:
    """Save `memo`; return the new `lastchange`. `lastchange` is the one the user last saw."""
    for _ in range(1 + RETRIES_AFTER_STALE_WRITE):
        update = UpdateOrderInput(id=order_id, lastchange=lastchange, memo=memo)
        result = (await client.update_order(update)).result
        match result:
            case UpdateOrderResultOrder():
                return result.lastchange
            case UpdateOrderResultStaleDataError():
                current = (await client.get_order(order_id)).order
                if current is None:
                    raise OrderGone(order_id)
                lastchange = current.lastchange
            case UpdateOrderResultNotFoundError():
                raise OrderGone(order_id)
            case UpdateOrderResultValidationError():
                raise ValueError(f"{result.field}: {result.message}")
            case UpdateOrderResultForbiddenError():
                raise PermissionError(result.message)
    raise OrderKeepsChanging(order_id)
