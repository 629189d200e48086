"""The chemistry core stays pure: standard-library arithmetic only, no I/O, no framework."""

import ast
from pathlib import Path

import app.chemistry

ALLOWED = {"dataclasses", "decimal", "enum", "math", "typing"}
SOURCES = sorted(Path(app.chemistry.__file__).parent.glob("*.py"))


def imported_modules(source: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_standard_arithmetic_is_imported():
    assert SOURCES, "no chemistry sources found"
    foreign = {
        (source.name, module)
        for source in SOURCES
        for module in imported_modules(source)
        if module.split(".")[0] not in ALLOWED and not module.startswith("app.chemistry")
    }
    assert foreign == set()
