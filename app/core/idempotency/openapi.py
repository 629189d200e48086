"""The Idempotency-Key header in the OpenAPI document, on the operations that honour it."""

from http import HTTPStatus
from typing import Any

from app.core.idempotency.middleware import (
    KEY_HEADER,
    KEY_MAX_LENGTH,
    KEY_PATTERN,
    REPLAYED_HEADER,
    applies_to,
)

KEY_PARAMETER = {
    "name": KEY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: a repeat with the same key, method, path and body within 24 hours "
        f"returns the first answer again, marked `{REPLAYED_HEADER}: true`, and does nothing "
        "else. The key is kept per user. The same key with another request is 422 "
        "`idempotency_key_reused`; a repeat while the first still runs is 409 "
        "`idempotency_in_progress`. Only successful answers are kept."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": KEY_MAX_LENGTH,
        "pattern": KEY_PATTERN,
        "title": KEY_HEADER,
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def document_idempotency_key(schema: dict[str, Any]) -> None:
    """Add the header (and its 409 and 422 problems) to every POST operation that honours it."""
    for path, path_item in schema.get("paths", {}).items():
        operation = path_item.get("post")
        if operation is None or not applies_to("POST", path):
            continue
        operation.setdefault("parameters", []).append(KEY_PARAMETER)
        responses = operation.setdefault("responses", {})
        for status in (409, 422):
            responses.setdefault(
                str(status),
                {
                    "description": HTTPStatus(status).phrase,
                    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
                },
            )
