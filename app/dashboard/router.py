"""The pool dashboard endpoint."""

from fastapi import APIRouter

from app.auth.dependencies import CurrentUser
from app.core.errors import problem_responses
from app.dashboard import service
from app.dashboard.schemas import Dashboard
from app.pools.dependencies import PoolIdPath

router = APIRouter(tags=["dashboard"])


@router.get(
    "/pools/{poolId}/dashboard",
    response_model=Dashboard,
    responses=problem_responses(401, 404, 422),
)
async def read_dashboard(pool_id: PoolIdPath, viewer: CurrentUser) -> Dashboard:
    """The pool at a glance (pool access), in at most three database round trips."""
    # Pool access is checked inside, on the pool the dashboard's own aggregation loads: a
    # separate load through `AccessiblePool` would be a fourth round trip.
    return await service.build(pool_id=pool_id, viewer=viewer)
