"""Pool access, written once: load the pool, apply the visibility rule, hand it to the route."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.pools import service
from app.pools.models import Pool

PoolIdPath = Annotated[PydanticObjectId, Path(alias="poolId", description="A pool id.")]


async def valid_pool(pool_id: PoolIdPath) -> Pool:
    """The pool in the path, or 404 `pool_not_found`."""
    return await service.get(pool_id=pool_id)


async def pool_access(user: CurrentUser, pool: Annotated[Pool, Depends(valid_pool)]) -> Pool:
    """The pool, if the caller is an admin, its owner or an assigned technician (else 404)."""
    service.ensure_access(user=user, pool=pool)
    return pool


async def pool_manage(user: CurrentUser, pool: Annotated[Pool, Depends(valid_pool)]) -> Pool:
    """The pool, if the caller is an admin or its owner (404 unseen, 403 seen but not managed)."""
    service.ensure_manage(user=user, pool=pool)
    return pool


AccessiblePool = Annotated[Pool, Depends(pool_access)]
ManagedPool = Annotated[Pool, Depends(pool_manage)]
