"""Health endpoints (public)."""

from fastapi import APIRouter, Request

from app.core.errors import problem_responses
from app.health import service
from app.health.schemas import Liveness, Readiness

router = APIRouter(prefix="/health", tags=["health"])


@router.head("", include_in_schema=False)
@router.get("", response_model=Liveness)
async def liveness() -> Liveness:
    """Liveness: the process answers (touches no dependency)."""
    return service.liveness()


@router.head("/ready", include_in_schema=False)
@router.get("/ready", response_model=Readiness, responses=problem_responses(503))
async def readiness(request: Request) -> Readiness:
    """Readiness: the database and blob storage answer."""
    return await service.readiness(
        client=request.app.state.mongo_client, storage=request.app.state.storage
    )
