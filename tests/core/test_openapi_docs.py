"""The OpenAPI document explains itself: codes from the one catalog, who may call, descriptions."""

from typing import Any

import pytest

from app.core.errors import ERROR_CODES, AppError, error_classes
from app.main import create_app

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app().openapi()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, item[method])
        for path, item in schema["paths"].items()
        for method in METHODS
        if method in item
    ]


class TestErrorCatalog:
    def test_every_error_class_code_is_in_the_catalog(self, schema: dict[str, Any]) -> None:
        missing = {
            f"{cls.__module__}.{cls.__name__}: {cls.code}"
            for cls in error_classes()
            if cls.code not in ERROR_CODES
        }
        assert not missing

    def test_catalog_status_matches_each_class(self, schema: dict[str, Any]) -> None:
        wrong = {
            cls.__name__
            for cls in error_classes()
            if cls.code in ERROR_CODES and ERROR_CODES[cls.code].status != int(cls.status)
        }
        assert not wrong

    def test_a_new_class_with_an_unknown_code_is_caught(self) -> None:
        class Invented(AppError):
            code = "invented_for_this_test"

        try:
            assert any(cls.code not in ERROR_CODES for cls in error_classes())
        finally:
            del Invented

    def test_documented_codes_come_from_the_catalog(self, schema: dict[str, Any]) -> None:
        for method, path, operation in operations(schema):
            for status, response in operation["responses"].items():
                for code in response.get("x-problem-codes", []):
                    assert code in ERROR_CODES, (method, path, code)
                    assert str(ERROR_CODES[code].status) == status, (method, path, code)


class TestOperations:
    def test_every_operation_has_a_summary_and_who_may_call(self, schema: dict[str, Any]) -> None:
        for method, path, operation in operations(schema):
            summary = operation.get("summary", "")
            assert summary and summary[0].isupper(), (method, path)
            assert operation["description"].startswith("**Who may call:**"), (method, path)

    def test_every_error_response_lists_its_codes(self, schema: dict[str, Any]) -> None:
        for method, path, operation in operations(schema):
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    assert response["x-problem-codes"], (method, path, status)
                    assert "Problem codes:" in response["description"], (method, path, status)

    def test_authenticated_operations_list_the_token_codes(self, schema: dict[str, Any]) -> None:
        for method, path, operation in operations(schema):
            if operation.get("security"):
                codes = operation["responses"]["401"]["x-problem-codes"]
                assert "not_authenticated" in codes, (method, path)

    def test_pool_terms_are_defined_once_and_linked(self, schema: dict[str, Any]) -> None:
        assert "# Access" in schema["info"]["description"]
        linked = [op for _, _, op in operations(schema) if "(#section/Access)" in op["description"]]
        assert linked

    def test_the_visit_workflow_lists_what_it_raises(self, schema: dict[str, Any]) -> None:
        responses = schema["paths"]["/visits"]["post"]["responses"]
        assert "schedule_conflict" in responses["409"]["x-problem-codes"]
        assert "pool_not_found" in responses["404"]["x-problem-codes"]

    def test_every_tag_is_described(self, schema: dict[str, Any]) -> None:
        described = {tag["name"]: tag.get("description") for tag in schema.get("tags", [])}
        for method, path, operation in operations(schema):
            for tag in operation["tags"]:
                assert described.get(tag), (method, path, tag)
