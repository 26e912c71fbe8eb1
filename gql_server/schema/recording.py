"""Tell the request's record which operation ran and whether it failed (normal path)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gql_server.observe.record import note_errors, note_operation


class RecordOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        note_operation(execution.operation_name, None, execution.query)
        yield
        result = execution.result
        note_errors(bool(result is not None and getattr(result, "errors", None)))

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        note_operation(execution.operation_name, execution.operation_type.value, execution.query)
        yield
