"""Pool endpoints."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import APIRouter, Path, Query, Response

from app.auth.dependencies import CurrentUser
from app.core.dependencies import SettingsDep, StorageDep
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.core.schemas import Page
from app.pools import deletion, service
from app.pools.dependencies import AccessiblePool, ManagedPool
from app.pools.schemas import PoolCreate, PoolOut, PoolUpdate

router = APIRouter(prefix="/pools", tags=["pools"])

UserIdPath = Annotated[PydanticObjectId, Path(alias="userId")]
TechnicianIdPath = Annotated[PydanticObjectId, Path(alias="technicianId")]


@router.post(
    "",
    status_code=201,
    response_model=PoolOut,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def create_pool(data: PoolCreate, actor: CurrentUser) -> PoolOut:
    """Register a pool (owner for themselves; admin for a named owner)."""
    return PoolOut.model_validate(await service.create(data=data, actor=actor))


@router.get("", response_model=Page[PoolOut], responses=problem_responses(401, 422))
async def list_pools(
    viewer: CurrentUser,
    page: Pagination,
    owner_id: Annotated[PydanticObjectId | None, Query(alias="ownerId")] = None,
    technician_id: Annotated[PydanticObjectId | None, Query(alias="technicianId")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Name or address contains.")] = None,
) -> Page[PoolOut]:
    """Pools the caller may see (admin all, owner own, technician assigned), newest first."""
    query = service.list_(viewer=viewer, owner_id=owner_id, technician_id=technician_id, q=q)
    return await paginate(query, page, PoolOut)


@router.get(
    "/user/{userId}",
    response_model=Page[PoolOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_pools_of_owner(
    user_id: UserIdPath, viewer: CurrentUser, page: Pagination
) -> Page[PoolOut]:
    """Pools owned by a user (admin, or that owner)."""
    query = await service.list_owned_by(owner_id=user_id, viewer=viewer)
    return await paginate(query, page, PoolOut)


@router.get(
    "/technician/{technicianId}",
    response_model=Page[PoolOut],
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_pools_of_technician(
    technician_id: TechnicianIdPath, viewer: CurrentUser, page: Pagination
) -> Page[PoolOut]:
    """Pools a technician is assigned to (admin, or that technician)."""
    query = await service.list_assigned_to(technician_id=technician_id, viewer=viewer)
    return await paginate(query, page, PoolOut)


@router.get("/{poolId}", response_model=PoolOut, responses=problem_responses(401, 404, 422))
async def read_pool(pool: AccessiblePool) -> PoolOut:
    """One pool (pool access)."""
    return PoolOut.model_validate(pool)


@router.patch(
    "/{poolId}", response_model=PoolOut, responses=problem_responses(400, 401, 403, 404, 422)
)
async def update_pool(
    pool: ManagedPool, data: PoolUpdate, actor: CurrentUser, settings: SettingsDep
) -> PoolOut:
    """Change a pool (pool manage); changing `ownerId` is admin-only."""
    updated = await service.update(pool=pool, data=data, actor=actor, settings=settings)
    return PoolOut.model_validate(updated)


@router.delete(
    "/{poolId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_pool(pool: ManagedPool, actor: CurrentUser, storage: StorageDep) -> Response:
    """Delete a pool and everything that hangs off it (pool manage)."""
    await deletion.delete_pool(pool=pool, actor=actor, storage=storage)
    return Response(status_code=204)


@router.delete(
    "/{poolId}/technicians/{technicianId}",
    response_model=PoolOut,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def remove_technician(
    pool: AccessiblePool, technician_id: TechnicianIdPath, actor: CurrentUser
) -> PoolOut:
    """Unassign a technician (pool manage, or the technician leaving)."""
    updated = await service.remove_technician(pool=pool, technician_id=technician_id, actor=actor)
    return PoolOut.model_validate(updated)
