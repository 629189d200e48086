"""Visit endpoints, including the pool visit workflow."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import APIRouter, Query, Response

from app.alerts.schemas import AlertOut
from app.auth.dependencies import CurrentUser
from app.core.dependencies import StorageDep
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate, paginate_presented
from app.core.rows import Row
from app.core.schemas import Page, UtcDatetime
from app.pools.dependencies import AccessiblePool
from app.readings.schemas import PoolValuesOut
from app.visits import service, workflow
from app.visits.dependencies import AccessibleVisit
from app.visits.models import VisitStatus
from app.visits.schemas import (
    AgendaItem,
    VisitComplete,
    VisitCompleted,
    VisitCreate,
    VisitOut,
    VisitRecord,
    VisitRecorded,
    VisitUpdate,
)

router = APIRouter(tags=["visits"])


@router.post(
    "/visits",
    status_code=201,
    response_model=VisitOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def create_visit(data: VisitCreate, actor: CurrentUser) -> VisitOut:
    """Plan or log a visit (pool manage, or an assigned technician for themselves)."""
    return VisitOut.model_validate(await service.create(data=data, actor=actor))


@router.get("/visits", response_model=Page[VisitOut], responses=problem_responses(401, 422))
async def list_visits(
    viewer: CurrentUser,
    page: Pagination,
    pool_id: Annotated[PydanticObjectId | None, Query(alias="poolId")] = None,
    technician_id: Annotated[PydanticObjectId | None, Query(alias="technicianId")] = None,
    status: VisitStatus | None = None,
    service_plan_id: Annotated[PydanticObjectId | None, Query(alias="servicePlanId")] = None,
    since: Annotated[UtcDatetime | None, Query(alias="from")] = None,
    until: Annotated[UtcDatetime | None, Query(alias="to")] = None,
) -> Page[VisitOut]:
    """Visits of the pools the caller may see, newest first."""
    query = await service.list_(
        viewer=viewer,
        pool_id=pool_id,
        technician_id=technician_id,
        status=status,
        service_plan_id=service_plan_id,
        since=since,
        until=until,
    )
    return await paginate(query, page, VisitOut)


@router.get("/agenda", response_model=Page[AgendaItem], responses=problem_responses(401, 403, 422))
async def read_agenda(
    viewer: CurrentUser,
    page: Pagination,
    since: Annotated[UtcDatetime, Query(alias="from")],
    until: Annotated[UtcDatetime, Query(alias="to")],
    technician_id: Annotated[PydanticObjectId | None, Query(alias="technicianId")] = None,
    include_cancelled: Annotated[bool, Query(alias="includeCancelled")] = False,
) -> Page[AgendaItem]:
    """Visits starting in [from, to), earliest first, with their pool (at most 31 days)."""
    agenda = await service.agenda(
        viewer=viewer,
        since=since,
        until=until,
        technician_id=technician_id,
        include_cancelled=include_cancelled,
    )

    async def present(visits: list[Row]) -> list[AgendaItem]:
        pools = await service.pools_of(visits=visits, known=agenda.known_pools)
        return [
            AgendaItem.model_validate({"visit": visit, "pool": pools[visit["pool_id"]]})
            for visit in visits
            if visit["pool_id"] in pools
        ]

    return await paginate_presented(agenda.visits, page, present)


@router.get(
    "/visits/{visitId}", response_model=VisitOut, responses=problem_responses(401, 404, 422)
)
async def read_visit(found: AccessibleVisit) -> VisitOut:
    """One visit (pool access)."""
    return VisitOut.model_validate(found[0])


@router.patch(
    "/visits/{visitId}",
    response_model=VisitOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def update_visit(found: AccessibleVisit, data: VisitUpdate, actor: CurrentUser) -> VisitOut:
    """Edit a visit (pool manage, the visit's technician); schedule conflicts are re-checked."""
    visit, pool = found
    return VisitOut.model_validate(
        await service.update(visit=visit, pool=pool, data=data, actor=actor)
    )


@router.delete(
    "/visits/{visitId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_visit(found: AccessibleVisit, actor: CurrentUser, storage: StorageDep) -> Response:
    """Delete a visit and its photos (pool manage); its readings stay, unlinked."""
    visit, pool = found
    await service.delete(visit=visit, pool=pool, actor=actor, storage=storage)
    return Response(status_code=204)


@router.post(
    "/pools/{poolId}/visits",
    status_code=201,
    response_model=VisitRecorded,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def record_pool_visit(
    pool: AccessiblePool, data: VisitRecord, actor: CurrentUser
) -> VisitRecorded:
    """Record a visit with its readings in one call (pool manage, an assigned technician)."""
    recorded = await workflow.record_visit(pool=pool, data=data, actor=actor)
    return VisitRecorded(
        visit=VisitOut.model_validate(recorded.visit),
        pool_values=PoolValuesOut.model_validate(recorded.pool_values),
        alerts=[AlertOut.model_validate(alert) for alert in recorded.alerts],
        water_balance=recorded.water_balance,
    )


@router.post(
    "/visits/{visitId}/complete",
    response_model=VisitCompleted,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def complete_visit(
    found: AccessibleVisit, data: VisitComplete, actor: CurrentUser
) -> VisitCompleted:
    """Complete a scheduled visit with its readings (the visit's technician, pool manage)."""
    visit, pool = found
    completed = await workflow.complete_visit(visit=visit, pool=pool, data=data, actor=actor)
    return VisitCompleted(
        visit=VisitOut.model_validate(completed.visit),
        pool_values=(
            PoolValuesOut.model_validate(completed.pool_values) if completed.pool_values else None
        ),
        alerts=[AlertOut.model_validate(alert) for alert in completed.alerts],
        water_balance=completed.water_balance,
    )


@router.get(
    "/pools/{poolId}/visits",
    response_model=Page[VisitOut],
    responses=problem_responses(401, 404, 422),
)
async def list_pool_visits(pool: AccessiblePool, page: Pagination) -> Page[VisitOut]:
    """A pool's visits, newest first (pool access)."""
    return await paginate(service.list_for_pool(pool_id=pool.id), page, VisitOut)
