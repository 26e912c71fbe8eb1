"""Drop each request's loader caches as soon as its operation has run.

graphql-core's execution context refers to itself (through its bound methods)
and to our context, so everything the loaders cached would stay alive until
the garbage collector found that cycle. Emptying the caches lets reference
counting free the rows at once: less memory and much less collector work
under concurrent nested queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gql_server.context import Context


class ReleaseLoaderCaches(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, Context):
            context.loaders.clear_all()
