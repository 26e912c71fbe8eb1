"""The code's imports go one way: no module imports itself through others, and no
layer imports a layer above it (http -> schema/planner -> domain -> loaders -> models)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("gql_server", "loaders", "models")
# A module may import only from its own layer and the layers after it in this list.
LAYERS = (
    ("gql_server.cli",),
    ("gql_server.http",),
    ("gql_server.schema", "gql_server.planner"),
    ("gql_server.observe",),
    ("gql_server.seed", "gql_server.operation_store"),
    ("gql_server.domain", "gql_server.auth"),
    ("gql_server.database", "gql_server.json_codec", "gql_server.settings"),
    ("gql_server.auth_settings",),
    ("loaders",),
    ("models",),
)
PACKAGE_DOCSTRINGS = frozenset({"gql_server"})  # a package module with nothing but its docstring


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "node_modules" not in path.parts
    }


def type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """Imports under `if TYPE_CHECKING:`: read by type checkers, never run."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            guarded.update(inner for statement in node.body for inner in ast.walk(statement))
    return guarded


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules `path` imports when it runs (in functions too)."""
    tree = ast.parse(path.read_text())
    guarded = type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if node in guarded:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return found & modules.keys()


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of imports, if there is one (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer_of(module: str) -> int:
    for index, prefixes in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    if module in PACKAGE_DOCSTRINGS:
        return len(LAYERS)
    raise LookupError(f"{module} belongs to no layer: add it to LAYERS")


def package_of(module: str) -> str:
    return module.rsplit(".", 1)[0] if "." in module else module


GRAPH = import_graph()


def test_no_module_imports_itself_through_others() -> None:
    assert find_cycle(GRAPH) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_a_module_imports_no_layer_above_its_own(module: str) -> None:
    above = sorted(
        target
        for target in GRAPH[module]
        if layer_of(target) < layer_of(module) and package_of(target) != package_of(module)
    )
    assert above == []
