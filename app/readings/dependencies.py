"""Load-and-check dependency for pool values routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.pools.models import Pool
from app.readings import service
from app.readings.models import PoolValues

PoolValuesIdPath = Annotated[PydanticObjectId, Path(alias="poolValuesId")]


async def accessible_pool_values(
    pool_values_id: PoolValuesIdPath, user: CurrentUser
) -> tuple[PoolValues, Pool]:
    """The readings and their pool, if the caller has access to the pool (else 404)."""
    return await service.get_accessible(pool_values_id=pool_values_id, user=user)


AccessiblePoolValues = Annotated[tuple[PoolValues, Pool], Depends(accessible_pool_values)]
