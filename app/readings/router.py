"""Pool values (water readings) endpoints."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import APIRouter, Query, Response

from app.auth.dependencies import CurrentUser
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.core.schemas import Page, UtcDatetime
from app.readings import service
from app.readings.dependencies import AccessiblePoolValues
from app.readings.schemas import PoolValuesCreate, PoolValuesOut, PoolValuesUpdate

router = APIRouter(prefix="/pool-values", tags=["pool-values"])


@router.post(
    "", status_code=201, response_model=PoolValuesOut, responses=problem_responses(401, 404, 422)
)
async def create_pool_values(data: PoolValuesCreate, actor: CurrentUser) -> PoolValuesOut:
    """Record water readings on a pool (pool access); alerts are evaluated."""
    return PoolValuesOut.model_validate(await service.create(data=data, actor=actor))


@router.get("", response_model=Page[PoolValuesOut], responses=problem_responses(401, 422))
async def list_pool_values(
    viewer: CurrentUser,
    page: Pagination,
    pool_id: Annotated[PydanticObjectId | None, Query(alias="poolId")] = None,
    since: Annotated[UtcDatetime | None, Query(alias="from")] = None,
    until: Annotated[UtcDatetime | None, Query(alias="to")] = None,
) -> Page[PoolValuesOut]:
    """Readings of the pools the caller may see, newest `measuredAt` first."""
    query = await service.list_(viewer=viewer, pool_id=pool_id, since=since, until=until)
    return await paginate(query, page, PoolValuesOut)


@router.get(
    "/{poolValuesId}", response_model=PoolValuesOut, responses=problem_responses(401, 404, 422)
)
async def read_pool_values(found: AccessiblePoolValues) -> PoolValuesOut:
    """One set of readings (pool access)."""
    return PoolValuesOut.model_validate(found[0])


@router.patch(
    "/{poolValuesId}",
    response_model=PoolValuesOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def update_pool_values(
    found: AccessiblePoolValues, data: PoolValuesUpdate, actor: CurrentUser
) -> PoolValuesOut:
    """Correct readings (admin, the pool's owner, the recorder)."""
    pool_values, pool = found
    updated = await service.update(pool_values=pool_values, pool=pool, data=data, actor=actor)
    return PoolValuesOut.model_validate(updated)


@router.delete(
    "/{poolValuesId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_pool_values(found: AccessiblePoolValues, actor: CurrentUser) -> Response:
    """Delete readings (admin, the pool's owner); linked visits keep existing, unlinked."""
    pool_values, pool = found
    await service.delete(pool_values=pool_values, pool=pool, actor=actor)
    return Response(status_code=204)
