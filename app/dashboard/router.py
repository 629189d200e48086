"""The pool dashboard endpoint."""

from fastapi import APIRouter

from app.core.errors import problem_responses
from app.dashboard import service
from app.dashboard.schemas import Dashboard
from app.pools.dependencies import AccessiblePool

router = APIRouter(tags=["dashboard"])


@router.get(
    "/pools/{poolId}/dashboard",
    response_model=Dashboard,
    responses=problem_responses(401, 404, 422),
)
async def read_dashboard(pool: AccessiblePool) -> Dashboard:
    """The pool at a glance (pool access), in at most three database round trips."""
    return await service.build(pool=pool)
