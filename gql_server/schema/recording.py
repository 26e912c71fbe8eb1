"""Tell the request's record which operation ran and whether it failed (normal path).

The name recorded is the selected operation's own, read from the validated document
(never the client's `operationName` as sent, which may name nothing): metrics and logs
label by it.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from gql_server.observe.record import note_errors, note_operation


class RecordOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        note_errors(bool(result is not None and getattr(result, "errors", None)))

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        operation = get_operation_ast(document, execution.operation_name) if document else None
        if operation is not None:
            name = operation.name.value if operation.name else None
            note_operation(name, operation.operation.value, execution.query)
        yield
