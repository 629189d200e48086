"""Stored documents read as plain rows, for reads that only present them.

A response schema validates a row by field name, straight from what the store returned. Read
through Beanie, every item was validated twice, into its document and then from the document
(attribute by attribute, through Beanie's lazy-parsing `__getattribute__`) into the schema: most
of the API time of a page of 50. Rules that need a document (its methods, its state) keep reading
documents; a row is for presenting.
"""

from collections.abc import Mapping
from typing import Any

from beanie.odm.queries.find import FindMany
from pydantic import BaseModel
from pydantic.fields import FieldInfo

Row = dict[str, Any]
"""A stored document as its document model reads it: `_id` as `id`, defaults where absent."""

# The fields of each document model a stored document may lack, by (model, fields read).
_optional_fields: dict[tuple[type[BaseModel], tuple[str, ...] | None], dict[str, FieldInfo]] = {}


def _optional(model: type[BaseModel], fields: tuple[str, ...] | None) -> dict[str, FieldInfo]:
    key = (model, fields)
    if key not in _optional_fields:
        _optional_fields[key] = {
            name: info
            for name, info in model.model_fields.items()
            if name != "id" and not info.is_required() and (fields is None or name in fields)
        }
    return _optional_fields[key]


def as_row(
    raw: dict[str, Any], model: type[BaseModel], fields: tuple[str, ...] | None = None
) -> Row:
    """A stored document of `model` as a row (in place): its id as `id`, and the defaults of the
    optional fields it lacks (documents stored without their nulls, upserts that set a few)."""
    raw["id"] = raw.pop("_id")
    for name, info in _optional(model, fields).items():
        if name not in raw:
            raw[name] = info.get_default(call_default_factory=True, validated_data=raw)
    return raw


async def fetch(
    query: FindMany[Any], filter: Mapping[str, Any], *, fields: tuple[str, ...] | None = None
) -> list[Row]:
    """The rows of a sorted, windowed Beanie query whose filter is already encoded, in one
    round trip; `fields` narrows what is read (`id` always comes)."""
    model = query.document_model
    cursor = model.get_motor_collection().find(
        filter=filter,
        sort=query.sort_expressions or None,
        projection=None if fields is None else dict.fromkeys(fields, 1),
        skip=query.skip_number or 0,
        limit=query.limit_number or 0,
    )
    return [as_row(raw, model, fields) for raw in await cursor.to_list(length=None)]


async def rows(query: FindMany[Any], *, fields: tuple[str, ...] | None = None) -> list[Row]:
    """The rows of a sorted, windowed Beanie query, in one round trip."""
    return await fetch(query, query.get_filter_query(), fields=fields)
