"""What a viewer may do, checked before a read or a write starts (`models/access.py`).

Which rows a viewer sees is not decided here: that is part of each statement
(`loaders/scoping.py`). Here are the refusals a client can act on: sign in first,
this role may not read this type, may not make this write, or may not write these
values (someone else's user id, its own role).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strawberry.utils.str_converters import to_camel_case

from gql_server.domain.errors import Forbidden, InvalidInput, ReadForbidden, Unauthenticated
from gql_server.domain.validation import parse_id
from loaders import Loaders
from models import Access, Base, exposed_of
from models.access import Action


def require_signed_in(loaders: Loaders) -> None:
    viewer = loaders.viewer
    if viewer is not None and not viewer.signed_in:
        raise Unauthenticated()


def require_read(loaders: Loaders, model: type[Base]) -> None:
    """Refuse a read of `model` the viewer's role may never make (anonymous: sign in)."""
    require_signed_in(loaders)
    if not loaders.may(model):
        raise ReadForbidden(f"your role may not read {model.__name__} data")


def authorize_write(
    loaders: Loaders, model: type[Base], action: Action, given: Mapping[str, Any]
) -> dict[str, Any]:
    """The input as the write may use it (an owner left out is the viewer), or `Forbidden`.

    Runs before validation: a role that may not make a write learns that first. Which
    rows a viewer may update or delete is decided by the write's own statement."""
    require_signed_in(loaders)
    viewer, values = loaders.viewer, dict(given)
    if viewer is None or viewer.role is None:
        return values  # the server's own writes (seeding, the command line)
    api = exposed_of(model)
    access = api.access(viewer.role, action)
    noun = f"{model.__name__.lower()}s"
    if access is Access.NONE:
        raise Forbidden(f"your role may not {action} {noun}")
    for attribute in api.grants_of(viewer.role).fixed:
        if attribute.key in values:
            raise Forbidden(f"your role may not set {to_camel_case(attribute.key)}")
    owner = api.owner_column()
    if owner is None or owner.key == "id":
        return values
    if action == "create" and values.get(owner.key) is None:
        values[owner.key] = viewer.user_id  # yours unless you name another owner
    elif access is Access.OWN and not names(values.get(owner.key), viewer.user_id):
        raise Forbidden(f"you may only {action} your own {noun}")
    return values


def names(value: Any, user_id: int) -> bool:
    """`value` (as the client sent it) names `user_id`, or is for validation to refuse."""
    if value is None:
        return True
    try:
        return parse_id(value) == user_id
    except InvalidInput:
        return True
