"""Load-and-check dependency for webhook routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.webhooks import service
from app.webhooks.models import Webhook

WebhookIdPath = Annotated[PydanticObjectId, Path(alias="webhookId", description="A webhook id.")]


async def visible_webhook(webhook_id: WebhookIdPath, viewer: CurrentUser) -> Webhook:
    """The webhook, if the caller owns it or is an admin (else 404)."""
    return await service.get_visible(webhook_id=webhook_id, viewer=viewer)


VisibleWebhook = Annotated[Webhook, Depends(visible_webhook)]
