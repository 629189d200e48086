"""Service-plan endpoints (contract section 15)."""

from fastapi import APIRouter, Response

from app.auth.dependencies import CurrentUser
from app.core.dependencies import SettingsDep
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.core.schemas import Page
from app.plans import service
from app.plans.dependencies import AccessiblePlan
from app.plans.schemas import ServicePlanCreate, ServicePlanOut, ServicePlanUpdate
from app.pools.dependencies import AccessiblePool, ManagedPool

router = APIRouter(tags=["service-plans"])


@router.post(
    "/pools/{poolId}/service-plans",
    status_code=201,
    response_model=ServicePlanOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def create_service_plan(
    pool: ManagedPool, data: ServicePlanCreate, actor: CurrentUser, settings: SettingsDep
) -> ServicePlanOut:
    """Create a plan and its scheduled visits within the horizon (pool manage); 409 on overlap."""
    plan = await service.create(pool=pool, data=data, actor=actor, settings=settings)
    return ServicePlanOut.model_validate(plan)


@router.get(
    "/pools/{poolId}/service-plans",
    response_model=Page[ServicePlanOut],
    responses=problem_responses(401, 404, 422),
)
async def list_service_plans(pool: AccessiblePool, page: Pagination) -> Page[ServicePlanOut]:
    """A pool's service plans, newest first (pool access)."""
    return await paginate(service.list_for_pool(pool_id=pool.id), page, ServicePlanOut)


@router.get(
    "/service-plans/{planId}",
    response_model=ServicePlanOut,
    responses=problem_responses(401, 404, 422),
)
async def read_service_plan(found: AccessiblePlan) -> ServicePlanOut:
    """One service plan (pool access)."""
    return ServicePlanOut.model_validate(found[0])


@router.patch(
    "/service-plans/{planId}",
    response_model=ServicePlanOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def update_service_plan(
    found: AccessiblePlan, data: ServicePlanUpdate, actor: CurrentUser, settings: SettingsDep
) -> ServicePlanOut:
    """Change a plan; its future scheduled visits are generated anew (pool manage)."""
    plan, pool = found
    updated = await service.update(plan=plan, pool=pool, data=data, actor=actor, settings=settings)
    return ServicePlanOut.model_validate(updated)


@router.delete(
    "/service-plans/{planId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_service_plan(found: AccessiblePlan, actor: CurrentUser) -> Response:
    """Delete a plan and its future scheduled visits (pool manage)."""
    plan, pool = found
    await service.delete(plan=plan, pool=pool, actor=actor)
    return Response(status_code=204)
