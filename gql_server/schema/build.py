"""The schema: queries, mutations, our scalars, document limits and error masking."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from gql_server.planner import QueryPlanner, QueryPlans
from gql_server.schema.error_log import QuietLoggingSchema
from gql_server.schema.limits import limit_extensions
from gql_server.schema.masking import MaskUnexpectedErrors, is_unexpected
from gql_server.schema.mutations import Mutation
from gql_server.schema.production import PRODUCTION_EXTENSIONS
from gql_server.schema.queries import Query
from gql_server.schema.recording import RecordOperation
from gql_server.schema.scalars import SCALAR_MAP
from gql_server.settings import Settings


def create_schema(
    settings: Settings, plans: QueryPlans | None = None, observers: Sequence[Any] = ()
) -> QuietLoggingSchema:
    """The schema with this configuration's limits (production also hides its shape);
    `observers` are the extensions operators asked for (traces)."""
    limits = settings.limits
    return QuietLoggingSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            disable_field_suggestions=settings.production,
            batching_config={"max_operations": limits.max_batch} if limits.max_batch else None,
        ),
        extensions=[
            RecordOperation,
            *observers,
            *limit_extensions(limits),
            *(PRODUCTION_EXTENSIONS if settings.production else ()),
            partial(MaskUnexpectedErrors, should_mask_error=is_unexpected),
            # Clients repeat the same few documents: parse and validate each once (bounded LRU).
            ParserCache,
            ValidationCache,
            *((partial(QueryPlanner, plans or QueryPlans()),) if settings.planner else ()),
        ],
    )


schema = create_schema(Settings())
