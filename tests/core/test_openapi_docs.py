"""The OpenAPI document explains itself: codes from the one catalog, who may call, descriptions."""

import json
from typing import Any

import pytest
from fastapi import routing
from fastapi.routing import APIRoute

from app.core.errors import ERROR_CODES, AppError, error_classes
from app.core.examples import REQUEST_EXAMPLES
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

    def test_codes_are_found_through_imports_inside_functions(self, schema: dict[str, Any]) -> None:
        responses = schema["paths"]["/users/{userId}"]["delete"]["responses"]
        assert "owner_has_pools" in responses["409"]["x-problem-codes"]

    def test_codes_an_operation_cannot_raise_are_not_listed(self, schema: dict[str, Any]) -> None:
        me = schema["paths"]["/users/me"]["get"]["responses"]
        assert "404" not in me
        health = schema["paths"]["/health"]["get"]["responses"]
        assert not [status for status in health if status[0] in "45"]

    def test_idempotent_posts_list_the_key_codes(self, schema: dict[str, Any]) -> None:
        responses = schema["paths"]["/pools"]["post"]["responses"]
        assert "idempotency_in_progress" in responses["409"]["x-problem-codes"]
        assert "idempotency_key_reused" in responses["422"]["x-problem-codes"]
        login = schema["paths"]["/auth/login"]["post"]["responses"]
        assert "idempotency_key_reused" not in login["422"]["x-problem-codes"]

    def test_who_may_call_follows_the_access_dependencies(self, schema: dict[str, Any]) -> None:
        paths = schema["paths"]
        assert paths["/health"]["get"]["x-who-may-call"].startswith("Anyone")
        assert "`admin`" in paths["/users"]["get"]["x-who-may-call"]
        assert (
            "[pool manage](#section/Access)" in paths["/pools/{poolId}"]["patch"]["x-who-may-call"]
        )
        assert "[pool access](#section/Access)" in paths["/pools/{poolId}"]["get"]["x-who-may-call"]

    def test_every_tag_is_described(self, schema: dict[str, Any]) -> None:
        described = {tag["name"]: tag.get("description") for tag in schema.get("tags", [])}
        for method, path, operation in operations(schema):
            for tag in operation["tags"]:
                assert described.get(tag), (method, path, tag)


def api_routes() -> list[tuple[APIRoute, dict[str, Any]]]:
    """Each documented route with its operation in the same app's document."""
    app = create_app()
    document = app.openapi()
    found = []
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in route.methods:
                found.append((route, document["paths"][route.path_format][method.lower()]))
    return found


def body_example(operation: dict[str, Any]) -> tuple[str, Any]:
    (media_type, content), *_ = operation["requestBody"]["content"].items()
    return media_type, content.get("example")


class TestSchemas:
    def test_every_property_is_described(self, schema: dict[str, Any]) -> None:
        missing = [
            f"{name}.{field}"
            for name, component in schema["components"]["schemas"].items()
            for field, prop in component.get("properties", {}).items()
            if not prop.get("description")
        ]
        assert not missing

    def test_every_parameter_is_described(self, schema: dict[str, Any]) -> None:
        for method, path, operation in operations(schema):
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (method, path, parameter["name"])

    def test_titles_read_well(self, schema: dict[str, Any]) -> None:
        visit = schema["components"]["schemas"]["VisitOut"]["properties"]
        assert visit["visitedAt"]["title"] == "Visited at"
        for component in schema["components"]["schemas"].values():
            for field, prop in component.get("properties", {}).items():
                title = prop["title"]
                assert title[0].isupper() and title[1:] == title[1:].lower(), (field, title)
                assert len(title.split()) >= sum(1 for c in field if c.isupper()) + 1 or (
                    "_" in field
                ), (field, title)

    def test_nullable_plain_types_render_as_one_type(self, schema: dict[str, Any]) -> None:
        visited_at = schema["components"]["schemas"]["VisitOut"]["properties"]["visitedAt"]
        assert visited_at["type"] == ["string", "null"]
        assert "anyOf" not in visited_at
        for component in schema["components"]["schemas"].values():
            for field, prop in component.get("properties", {}).items():
                options = prop.get("anyOf", [])
                plain = [o for o in options if "$ref" not in o and o.get("type") != "null"]
                assert not (len(options) == 2 and len(plain) == 1), field

    def test_component_names_read_well(self, schema: dict[str, Any]) -> None:
        names = schema["components"]["schemas"]
        assert not [name for name in names if "__" in name]
        titles = [c.get("title") for c in names.values() if c.get("title")]
        assert len(titles) == len(set(titles)), "two schemas share a title"

    def test_no_parameter_is_prefilled_with_a_fake_id(self, schema: dict[str, Any]) -> None:
        text = json.dumps(schema["paths"])
        for method, path, operation in operations(schema):
            for parameter in operation.get("parameters", []):
                found = json.dumps(parameter)
                assert '"example' not in found, (method, path, parameter["name"])
                assert (
                    '"default": "' not in found
                    or parameter["in"] != "query"
                    or not (parameter["name"].endswith("Id"))
                )
        assert "5eb7cf5a86d9755df3a6c593" not in text
        assert "5eb7cf5a86d9755df3a6c593" not in json.dumps(schema["components"])


class TestRequestExamples:
    def test_every_request_body_has_an_example(self, schema: dict[str, Any]) -> None:
        for method, path, operation in operations(schema):
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                assert "example" in content, (method, path, media_type)

    def test_every_example_passes_the_routes_own_validation(self) -> None:
        checked = 0
        for route, operation in api_routes():
            if route.body_field is None:
                continue
            media_type, example = body_example(operation)
            if media_type == "multipart/form-data":
                continue  # a file part: Swagger UI shows a file picker, there is no JSON to check
            _, errors = route.body_field.validate(example, {}, loc=("body",))
            assert not errors, (route.path, example, errors)
            checked += 1
        assert checked >= 20

    def test_a_broken_example_is_caught(self) -> None:
        route, _ = next(
            (r, op) for r, op in api_routes() if r.path == "/pool-values" and "POST" in r.methods
        )
        assert route.body_field is not None
        broken = {**REQUEST_EXAMPLES["PoolValuesCreate"], "ph": 15}
        _, errors = route.body_field.validate(broken, {}, loc=("body",))
        assert errors

    def test_examples_reach_the_document(self, schema: dict[str, Any]) -> None:
        body = schema["paths"]["/pools/{poolId}/visits"]["post"]["requestBody"]
        assert body["content"]["application/json"]["example"] == REQUEST_EXAMPLES["VisitRecord"]
