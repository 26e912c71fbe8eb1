"""The TypeScript documents must break loudly when the schema breaks the frontend:
`make clients-ts` runs the same generation and type-check on the real schema."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.clients.conftest import ROOT, require

PACKAGE = ROOT / "clients" / "typescript"
SCHEMA = (ROOT / "schema.graphql").read_text()
ORDER_RESULT = (
    "union OrderResult = Order | ValidationError | NotFoundError | StaleDataError | ForbiddenError"
)


def generate_and_typecheck(schema: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """`npm run check` in a copy of the package laid out as in the repository."""
    require((PACKAGE / "node_modules" / ".bin" / "tsc").exists(), "run `make clients-ts` first")
    package = workdir / "clients" / "typescript"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("node_modules", "gql"))
    (package / "node_modules").symlink_to(PACKAGE / "node_modules")
    (workdir / "clients" / "operations").symlink_to(ROOT / "clients" / "operations")
    (workdir / "schema.graphql").write_text(schema)
    return subprocess.run(
        ["npm", "run", "--silent", "check"], cwd=package, capture_output=True, text=True
    )


def test_the_current_schema_generates_and_typechecks(tmp_path: Path) -> None:
    result = generate_and_typecheck(SCHEMA, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_removing_a_field_an_operation_selects_fails_generation(tmp_path: Path) -> None:
    assert "  memo: String\n" in SCHEMA
    schema = SCHEMA.replace("  memo: String\n", "", 1)

    result = generate_and_typecheck(schema, tmp_path)

    assert result.returncode != 0
    assert 'Cannot query field "memo" on type "Order"' in result.stdout + result.stderr


def test_a_new_result_union_member_fails_the_exhaustive_switch(tmp_path: Path) -> None:
    assert ORDER_RESULT in SCHEMA
    schema = SCHEMA.replace(ORDER_RESULT, ORDER_RESULT + " | InUseError")

    result = generate_and_typecheck(schema, tmp_path)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "src/updateOrder.ts" in output
    assert "not assignable to parameter of type 'never'" in output
