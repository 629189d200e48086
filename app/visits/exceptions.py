"""Errors of the visits domain."""

from beanie import PydanticObjectId

from app.core.errors import Conflict, NotFound, ServiceUnavailable


class VisitNotFound(NotFound):
    code = "visit_not_found"
    detail = "The visit was not found."


class ScheduleConflict(Conflict):
    code = "schedule_conflict"
    detail = "The technician already has a scheduled visit in that time window."

    def __init__(self, conflicts: list[PydanticObjectId], *, conflict_count: int) -> None:
        # Only the visits the caller may see are listed; the count covers all of them.
        super().__init__(
            conflicts=[str(visit_id) for visit_id in conflicts], conflictCount=conflict_count
        )


class ScheduleBusy(ServiceUnavailable):
    detail = "The technician's schedule is being changed by another request; retry shortly."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class VisitNotScheduled(Conflict):
    code = "visit_not_scheduled"
    detail = "Only a scheduled visit can be completed."


class VisitAlreadyInvoiced(Conflict):
    code = "visit_already_invoiced"
    detail = "The visit is on an invoice: it cannot be deleted, and its status and time are fixed."
