"""Production mode: the schema's shape is not served to strangers.

Introspection is refused and "Did you mean ...?" suggestions (fields,
arguments, enum values, types) are cut from every message, so a client cannot
map the schema by guessing. The errors themselves stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from strawberry.extensions import DisableIntrospection, SchemaExtension

SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def strip_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


class StripSuggestions(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            error.message = strip_suggestions(error.message)


PRODUCTION_EXTENSIONS = (DisableIntrospection, StripSuggestions)
