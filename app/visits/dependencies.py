"""Load-and-check dependency for visit routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.pools.models import Pool
from app.visits import service
from app.visits.models import Visit

VisitIdPath = Annotated[PydanticObjectId, Path(alias="visitId", description="A visit id.")]


async def accessible_visit(visit_id: VisitIdPath, user: CurrentUser) -> tuple[Visit, Pool]:
    """The visit and its pool, if the caller has access to the pool (else 404)."""
    return await service.get_accessible(visit_id=visit_id, user=user)


AccessibleVisit = Annotated[tuple[Visit, Pool], Depends(accessible_visit)]
