"""Water balance endpoints (§16): for a stored reading, and a calculator."""

from fastapi import APIRouter

from app.auth.dependencies import CurrentUser
from app.core.errors import problem_responses
from app.readings.dependencies import AccessiblePoolValues
from app.water_balance import service
from app.water_balance.schemas import WaterBalanceOut, WaterBalanceRequest

router = APIRouter(tags=["water-balance"])


@router.get(
    "/pool-values/{poolValuesId}/water-balance",
    response_model=WaterBalanceOut,
    responses=problem_responses(401, 404, 422),
)
async def read_water_balance(found: AccessiblePoolValues) -> WaterBalanceOut:
    """LSI and dosing plan of a reading, for its pool's volume, type and alerts (pool access)."""
    pool_values, pool = found
    return await service.for_pool_values(pool_values=pool_values, pool=pool)


@router.post(
    "/water-balance",
    response_model=WaterBalanceOut,
    responses=problem_responses(401, 422),
)
async def calculate_water_balance(data: WaterBalanceRequest, _: CurrentUser) -> WaterBalanceOut:
    """A calculator: LSI and dosing plan for readings with the default targets; stores nothing."""
    return service.calculate(data=data)
