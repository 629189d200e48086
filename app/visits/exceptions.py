"""Errors of the visits domain."""

from beanie import PydanticObjectId

from app.core.errors import Conflict, NotFound


class VisitNotFound(NotFound):
    code = "visit_not_found"
    detail = "The visit was not found."


class ScheduleConflict(Conflict):
    code = "schedule_conflict"
    detail = "The technician already has a scheduled visit in that time window."

    def __init__(self, conflicts: list[PydanticObjectId]) -> None:
        super().__init__(conflicts=[str(visit_id) for visit_id in conflicts])


class VisitAlreadyInvoiced(Conflict):
    code = "visit_already_invoiced"
    detail = "The visit is on an invoice: it cannot be deleted, and its status and time are fixed."
