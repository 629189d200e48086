"""Small builders for MongoDB filters that several domains share."""

from datetime import datetime
from typing import Any

from beanie.odm.enums import SortDirection


def time_window(field: str, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """`{field: {$gte, $lte}}` for the bounds given (both inclusive); empty without bounds."""
    bounds = {op: value for op, value in (("$gte", since), ("$lte", until)) if value is not None}
    return {field: bounds} if bounds else {}


def all_of(*conditions: dict[str, Any]) -> dict[str, Any]:
    """The conjunction of the non-empty conditions."""
    present = [condition for condition in conditions if condition]
    return {"$and": present} if present else {}


SortOrder = list[tuple[str, SortDirection]]


def newest_first(field: str) -> SortOrder:
    """Descending by `field`, then by id, so pages are stable when times tie."""
    return [(field, SortDirection.DESCENDING), ("_id", SortDirection.DESCENDING)]


def oldest_first(field: str) -> SortOrder:
    """Ascending by `field`, then by id."""
    return [(field, SortDirection.ASCENDING), ("_id", SortDirection.ASCENDING)]
