"""Webhook endpoints: an integrator's subscriptions, a test ping, and the delivery log."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.auth.dependencies import CurrentUser, require_roles
from app.core.dependencies import SettingsDep
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate, paginate_documents
from app.core.schemas import Page
from app.users.models import Role, User
from app.webhooks import service
from app.webhooks.dependencies import VisibleWebhook
from app.webhooks.schemas import (
    DeliveryOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookUpdate,
)

router = APIRouter(tags=["webhooks"])

WebhookHolder = Annotated[User, Depends(require_roles(Role.ADMIN, Role.OWNER))]


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookCreated,
    responses=problem_responses(401, 403, 422),
)
async def create_webhook(
    data: WebhookCreate, actor: WebhookHolder, settings: SettingsDep
) -> WebhookCreated:
    """Register a webhook (admin: all pools' events; owner: their pools'); the secret shows once."""
    webhook = await service.create(data=data, actor=actor, settings=settings)
    return WebhookCreated.model_validate(webhook)


@router.get("/webhooks", response_model=Page[WebhookOut], responses=problem_responses(401, 422))
async def list_webhooks(viewer: CurrentUser, page: Pagination) -> Page[WebhookOut]:
    """The caller's webhooks, newest first (the owner's own; an admin sees all)."""
    return await paginate(service.list_(viewer=viewer), page, WebhookOut)


@router.get(
    "/webhooks/{webhookId}", response_model=WebhookOut, responses=problem_responses(401, 404, 422)
)
async def read_webhook(webhook: VisibleWebhook) -> WebhookOut:
    """One webhook (its owner, admin)."""
    return WebhookOut.model_validate(webhook)


@router.patch(
    "/webhooks/{webhookId}", response_model=WebhookOut, responses=problem_responses(401, 404, 422)
)
async def update_webhook(
    webhook: VisibleWebhook, data: WebhookUpdate, settings: SettingsDep
) -> WebhookOut:
    """Change a webhook's URL, events, description or active flag (its owner, admin)."""
    updated = await service.update(webhook=webhook, data=data, settings=settings)
    return WebhookOut.model_validate(updated)


@router.delete(
    "/webhooks/{webhookId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 404, 422),
)
async def delete_webhook(webhook: VisibleWebhook) -> Response:
    """Remove a webhook and its delivery log (its owner, admin)."""
    await service.delete(webhook=webhook)
    return Response(status_code=204)


@router.post(
    "/webhooks/{webhookId}/test",
    status_code=202,
    response_model=DeliveryOut,
    responses=problem_responses(401, 404, 422),
)
async def ping_webhook(webhook: VisibleWebhook) -> DeliveryOut:
    """Queue a `ping` delivery (`data: {"webhookId": ...}`) to the webhook (its owner, admin)."""
    return DeliveryOut.of(await service.queue_ping(webhook=webhook))


@router.get(
    "/webhooks/{webhookId}/deliveries",
    response_model=Page[DeliveryOut],
    responses=problem_responses(401, 404, 422),
)
async def list_webhook_deliveries(webhook: VisibleWebhook, page: Pagination) -> Page[DeliveryOut]:
    """The webhook's delivery log, newest first (its owner, admin)."""
    return await paginate_documents(service.list_deliveries(webhook=webhook), page, DeliveryOut.of)
