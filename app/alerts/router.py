"""Alert configuration and alert endpoints."""

from fastapi import APIRouter

from app.alerts import service
from app.alerts.dependencies import AccessibleAlert
from app.alerts.models import AlertStatus
from app.alerts.schemas import AlertConfigIn, AlertConfigOut, AlertOut
from app.auth.dependencies import CurrentUser
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.core.schemas import Page
from app.pools.dependencies import AccessiblePool, ManagedPool

router = APIRouter(tags=["alerts"])


@router.get(
    "/pools/{poolId}/alert-config",
    response_model=AlertConfigOut,
    responses=problem_responses(401, 404, 422),
)
async def read_alert_config(pool: AccessiblePool) -> AlertConfigOut:
    """The pool's alert thresholds (pool access); the default is stored on first read."""
    return AlertConfigOut.model_validate(await service.get_config(pool_id=pool.id))


@router.put(
    "/pools/{poolId}/alert-config",
    response_model=AlertConfigOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def replace_alert_config(
    pool: ManagedPool, data: AlertConfigIn, actor: CurrentUser
) -> AlertConfigOut:
    """Set the pool's alert thresholds (pool manage); `min < max` within each metric's bounds."""
    config = await service.put_config(pool_id=pool.id, data=data, actor=actor)
    return AlertConfigOut.model_validate(config)


@router.get(
    "/pools/{poolId}/alerts",
    response_model=Page[AlertOut],
    responses=problem_responses(401, 404, 422),
)
async def list_pool_alerts(
    pool: AccessiblePool, page: Pagination, status: AlertStatus | None = None
) -> Page[AlertOut]:
    """The pool's alerts, newest first (pool access)."""
    return await paginate(service.list_(pool_id=pool.id, status=status), page, AlertOut)


@router.post(
    "/alerts/{alertId}/acknowledge",
    response_model=AlertOut,
    responses=problem_responses(401, 404, 422),
)
async def acknowledge_alert(alert: AccessibleAlert, actor: CurrentUser) -> AlertOut:
    """Acknowledge an alert (pool access); acknowledging twice changes nothing."""
    return AlertOut.model_validate(await service.acknowledge(alert=alert, actor=actor))
