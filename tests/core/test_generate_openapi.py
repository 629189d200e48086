"""scripts/generate_openapi.py: writes the OpenAPI files, and `--check` reports drift."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_openapi.py"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def output_dir(tmp_path_factory) -> Path:
    """A folder the script has just written into."""
    directory = tmp_path_factory.mktemp("generated")
    result = run_script("--output-dir", str(directory))
    assert result.returncode == 0, result.stderr
    return directory


class TestGenerate:
    def test_writes_both_files(self, output_dir: Path):
        assert {path.name for path in output_dir.iterdir()} == {"openapi.json", "openapi.md"}

    def test_json_is_the_app_schema(self, output_dir: Path):
        schema = json.loads((output_dir / "openapi.json").read_text(encoding="utf-8"))
        assert schema["info"]["title"] == "Poolia API"
        assert "/users/{userId}" in schema["paths"]

    def test_markdown_lists_operations(self, output_dir: Path):
        markdown = (output_dir / "openapi.md").read_text(encoding="utf-8")
        assert "### `GET /health`" in markdown

    def test_markdown_gives_params_fields_and_problem_codes(self, output_dir: Path):
        markdown = (output_dir / "openapi.md").read_text(encoding="utf-8")
        section = markdown.split("### `GET /visits`", 1)[1].split("\n### ", 1)[0]
        assert "Who may call:" in section
        assert "| `poolId` | query |" in section and "| `limit` | query | integer |" in section
        assert "A page `{items, total, limit, offset}` of `VisitOut`" in section
        assert "| `visitedAt` | string (date-time) \\| null |" in section
        assert "`not_authenticated`" in section
        record = markdown.split("### `POST /pools/{poolId}/visits`", 1)[1].split("\n### ", 1)[0]
        assert "Request body (`application/json`): `VisitRecord`" in record
        assert "| `readings` | Readings | yes |" in record

    def test_markdown_ends_with_the_whole_error_catalog(self, output_dir: Path):
        from app.core.errors import ERROR_CODES

        markdown = (output_dir / "openapi.md").read_text(encoding="utf-8")
        catalog = markdown.split("## Error codes", 1)[1]
        for code, entry in ERROR_CODES.items():
            assert f"| `{code}` | {entry.status} |" in catalog


class TestCheck:
    def test_fresh_files(self, output_dir: Path):
        result = run_script("--check", "--output-dir", str(output_dir))
        assert result.returncode == 0, result.stdout + result.stderr

    def test_modified_file(self, output_dir: Path, tmp_path: Path):
        stale_dir = tmp_path / "generated"
        stale_dir.mkdir()
        for path in output_dir.iterdir():
            (stale_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        (stale_dir / "openapi.md").write_text("# edited by hand\n", encoding="utf-8")
        result = run_script("--check", "--output-dir", str(stale_dir))
        assert result.returncode == 1
        assert "openapi.md" in result.stdout
        assert "openapi.json" not in result.stdout

    def test_missing_file(self, tmp_path: Path):
        result = run_script("--check", "--output-dir", str(tmp_path))
        assert result.returncode == 1
        assert "openapi.json" in result.stdout
