"""The schema: queries, mutations, our scalars, and masking of unexpected errors."""

from __future__ import annotations

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from gql_server.mutations import Mutation
from gql_server.queries import Query
from gql_server.release import ReleaseLoaderCaches
from gql_server.scalars import SCALAR_MAP
from gql_server.validation import BadRequest

SAFE_ERRORS = (BadRequest, GraphQLError, StrawberryInputCoercionError)


def is_unexpected(error: GraphQLError) -> bool:
    """Mask anything that is not a syntax, validation, coercion or client error:
    an unexpected exception's text may carry SQL or internal names."""
    original = error.original_error
    return original is not None and not isinstance(original, SAFE_ERRORS)


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    extensions=[
        partial(MaskErrors, should_mask_error=is_unexpected),
        # Clients repeat the same few documents: parse and validate each once (bounded LRU).
        ParserCache,
        ValidationCache,
        ReleaseLoaderCaches,
    ],
)
