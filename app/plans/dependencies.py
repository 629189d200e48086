"""Load-and-check dependency for service-plan routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.plans import service
from app.plans.models import ServicePlan
from app.pools.models import Pool

PlanIdPath = Annotated[PydanticObjectId, Path(alias="planId", description="A service plan id.")]


async def accessible_plan(plan_id: PlanIdPath, user: CurrentUser) -> tuple[ServicePlan, Pool]:
    """The plan and its pool, if the caller has access to the pool (else 404)."""
    return await service.get_accessible(plan_id=plan_id, user=user)


AccessiblePlan = Annotated[tuple[ServicePlan, Pool], Depends(accessible_plan)]
