"""Errors of the pools domain."""

from app.core.errors import BadRequest, Conflict, NotFound


class PoolNotFound(NotFound):
    code = "pool_not_found"
    detail = "The pool was not found."


class TechnicianNotAssigned(BadRequest):
    code = "technician_not_assigned"
    detail = "The technician is not assigned to this pool."


class TechnicianAlreadyAssigned(Conflict):
    code = "technician_already_assigned"
    detail = "The technician is already assigned to this pool."


class OwnerHasPools(Conflict):
    code = "owner_has_pools"
    detail = "The owner still owns pools; delete or transfer them first."
