"""Writing through the API: NotFoundError, StaleDataError and InUseError, decided by the
stored rows; a refused write changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import Loaders
from models import Order, User
from tests.api.mutation_calls import mutate, row_count, token
from tests.conftest import GraphQLClient
from tests.factories import make_address, make_order, make_transaction, make_user


async def test_updating_a_missing_row_is_not_found(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders)

    result = await mutate(
        gql, "UpdateUser", input={"id": str(user.id + 99), "lastchange": token(user), "name": "x"}
    )

    assert result == {
        "__typename": "NotFoundError",
        "id": str(user.id + 99),
        "message": f"User {user.id + 99} does not exist",
    }


async def test_deleting_a_missing_row_is_not_found(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders)

    result = await mutate(gql, "DeleteOrder", id="424242", lastchange=token(user))

    assert (result["__typename"], result["id"]) == ("NotFoundError", "424242")


async def test_a_stale_update_is_refused_with_the_current_token_and_writes_nothing(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders, name="Original")
    first = await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": "First"}
    )

    second = await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": "Second"}
    )

    assert second["__typename"] == "StaleDataError"
    assert (second["id"], second["lastchange"]) == (str(user.id), first["lastchange"])
    assert "re-read" in second["message"]
    [stored] = await loaders.by_id(User).filter_by(id=user.id)
    assert stored.name == "First"


async def test_a_stale_delete_is_refused_and_keeps_the_row(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    user = await make_user(loaders)
    await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": "New"}
    )

    result = await mutate(gql, "DeleteUser", id=str(user.id), lastchange=token(user))

    assert result["__typename"] == "StaleDataError"
    assert await row_count(engine, User) == 1


@pytest.mark.parametrize("child", ["address", "order"])
async def test_deleting_a_user_that_still_has_children_is_in_use(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine, child: str
) -> None:
    user = await make_user(loaders)
    if child == "address":
        await make_address(loaders, user.id)
    else:
        await make_order(loaders, user.id)

    result = await mutate(gql, "DeleteUser", id=str(user.id), lastchange=token(user))

    assert (result["__typename"], result["id"]) == ("InUseError", str(user.id))
    assert await row_count(engine, User) == 1


async def test_deleting_an_order_with_transactions_is_in_use(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    order = await make_order(loaders, (await make_user(loaders)).id)
    await make_transaction(loaders, order.id)

    result = await mutate(gql, "DeleteOrder", id=str(order.id), lastchange=token(order))

    assert result["__typename"] == "InUseError"
    assert await row_count(engine, Order) == 1
