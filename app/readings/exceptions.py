"""Errors of the readings domain."""

from app.core.errors import NotFound


class PoolValuesNotFound(NotFound):
    code = "pool_values_not_found"
    detail = "The pool values were not found."
