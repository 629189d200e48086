"""Write generated/openapi.json and generated/openapi.md from the app; `--check` reports drift."""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.errors import ERROR_CODES  # noqa: E402
from app.main import create_app  # noqa: E402

OUTPUT_DIR = ROOT / "generated"
METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict[str, Any] | None) -> str:
    """A short type for a table cell: `string (date-time) | null`, `list[VisitOut]`, `PoolType`."""
    if not schema:
        return "-"
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "anyOf" in schema:
        return " | ".join(_type(option) for option in schema["anyOf"])
    kinds = schema.get("type", "object")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    parts = []
    for kind in kinds:
        if kind == "array":
            parts.append(f"list[{_type(schema.get('items'))}]")
        elif kind == "string" and "format" in schema:
            parts.append(f"string ({schema['format']})")
        elif kind == "string" and "enum" in schema:
            parts.append(" / ".join(f"`{value}`" for value in schema["enum"]))
        else:
            parts.append(str(kind))
    return " | ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """A field table for an object schema (a `$ref` is followed once)."""
    if "$ref" in schema:
        schema = components.get(_ref_name(schema["$ref"]), {})
    properties = schema.get("properties", {})
    if not properties:
        return []
    required = set(schema.get("required", []))
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, prop in properties.items():
        yes = "yes" if name in required else ""
        rows.append(
            f"| `{name}` | {_cell(_type(prop))} | {yes} | {_cell(prop.get('description', ''))} |"
        )
    return rows


def _parameters(operation: dict[str, Any]) -> list[str]:
    parameters = operation.get("parameters", [])
    if not parameters:
        return []
    rows = ["| parameter | in | type | required | description |", "|---|---|---|---|---|"]
    for parameter in parameters:
        yes = "yes" if parameter.get("required") else ""
        kind = _cell(_type(parameter.get("schema")))
        description = _cell(parameter.get("description", ""))
        name, where = parameter["name"], parameter["in"]
        rows.append(f"| `{name}` | {where} | {kind} | {yes} | {description} |")
    return rows


def _body(operation: dict[str, Any], components: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    lines: list[str] = []
    for media_type, media in content.items():
        schema = media.get("schema", {})
        lines += [f"Request body (`{media_type}`): `{_type(schema)}`", ""]
        lines += _fields(schema, components)
        lines.append("")
    return lines


def _success(operation: dict[str, Any], components: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for status, response in operation["responses"].items():
        if not status.startswith(("2", "3")):
            continue
        content = response.get("content", {})
        if not content:
            lines += [f"Response {status}: no body.", ""]
            continue
        media_type, media = next(iter(content.items()))
        schema = media.get("schema", {})
        lines += [f"Response {status} (`{media_type}`): `{_type(schema)}`", ""]
        target = schema
        if "$ref" in schema:
            page = components.get(_ref_name(schema["$ref"]), {})
            items = page.get("properties", {}).get("items", {}).get("items")
            if set(page.get("properties", {})) == {"items", "total", "limit", "offset"} and items:
                lines += [f"A page `{{items, total, limit, offset}}` of `{_type(items)}`:", ""]
                target = items
        lines += _fields(target, components)
        lines.append("")
    return lines


def _statuses(operation: dict[str, Any]) -> list[str]:
    rows = ["| status | meaning | problem codes |", "|---|---|---|"]
    for status, response in operation["responses"].items():
        codes = ", ".join(f"`{code}`" for code in response.get("x-problem-codes", []))
        meaning = response.get("description", "").split(". Problem codes:")[0]
        rows.append(f"| {status} | {_cell(meaning)} | {codes} |")
    return rows


def render_markdown(schema: dict[str, Any]) -> str:
    """A per-tag endpoint reference, then the error-code catalog."""
    components = schema.get("components", {}).get("schemas", {})
    tag_descriptions = {tag["name"]: tag.get("description", "") for tag in schema.get("tags", [])}
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                by_tag.setdefault(operation["tags"][0], []).append((method, path, operation))
    lines = [
        f"# {schema['info']['title']} {schema['info']['version']}",
        "",
        "Generated by `scripts/generate_openapi.py` from the app; do not edit by hand.",
        "Every error response is `application/problem+json` (schema `Problem`); its `code` is one",
        "of the [error codes](#error-codes) at the end. Times are ISO 8601 in UTC.",
        "",
        "**pool access**: an admin, the pool's owner, or a technician assigned to the pool.",
        "**pool manage**: an admin or the pool's owner.",
        "",
    ]
    for tag in sorted(by_tag):
        lines += [f"## {tag}", "", tag_descriptions.get(tag, ""), ""]
        for method, path, operation in by_tag[tag]:
            who = re.sub(r"\[([^]]+)\]\(#section/Access\)", r"\1", operation["x-who-may-call"])
            lines += [
                f"### `{method.upper()} {path}`",
                "",
                f"**{operation.get('summary', '')}.** Who may call: {who}",
                "",
                f"Operation id: `{operation['operationId']}`",
                "",
            ]
            lines += _parameters(operation)
            if operation.get("parameters"):
                lines.append("")
            lines += _body(operation, components)
            lines += _success(operation, components)
            lines += _statuses(operation)
            lines.append("")
    lines += [
        "## Error codes",
        "",
        "The `code` of a problem response is stable; branch on it, not on `detail`.",
        "",
        "| code | status | meaning |",
        "|---|---|---|",
    ]
    for code, entry in sorted(ERROR_CODES.items(), key=lambda item: (item[1].status, item[0])):
        lines.append(f"| `{code}` | {entry.status} | {_cell(entry.meaning)} |")
    return "\n".join(lines).rstrip() + "\n"


def render() -> dict[str, str]:
    """The generated files' contents, by file name."""
    schema = create_app().openapi()
    return {
        "openapi.json": json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        "openapi.md": render_markdown(schema),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args()
    files = render()
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (args.output_dir / name).is_file()
            or (args.output_dir / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"drift: generated/{name} differs from the app; run `make openapi`")
        return 1 if stale else 0
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.output_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote generated/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
