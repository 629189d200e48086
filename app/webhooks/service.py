"""The rules of webhooks: who may hold them, which events reach them, and the delivery log."""

import secrets
from typing import Any

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany

from app.core.config import Settings
from app.core.queries import newest_first
from app.notifications.events import Event
from app.pools.models import Pool
from app.users.models import Role, User, utcnow
from app.webhooks import targets
from app.webhooks.exceptions import WebhookNotFound
from app.webhooks.models import Webhook, WebhookDelivery
from app.webhooks.schemas import DeliveryPayload, WebhookCreate, WebhookUpdate

PING_EVENT = "ping"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret (32 random bytes)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


async def ensure_allowed_url(*, url: str, settings: Settings) -> None:
    """The SSRF guard at creation and change: 422 unless the host resolves to public addresses."""
    if not settings.webhook_allow_private_targets:
        await targets.ensure_public(url)


async def get_visible(*, webhook_id: PydanticObjectId, viewer: User) -> Webhook:
    """A webhook of the viewer (any for an admin); 404 for the others."""
    webhook = await Webhook.get(webhook_id)
    if webhook is None or (viewer.role is not Role.ADMIN and webhook.owner_id != viewer.id):
        raise WebhookNotFound
    return webhook


def list_(*, viewer: User) -> FindMany[Webhook]:
    """The viewer's webhooks (an admin's: all), newest first."""
    query = {} if viewer.role is Role.ADMIN else {"owner_id": viewer.id}
    return Webhook.find(query).sort(newest_first("created_at"))


async def create(*, data: WebhookCreate, actor: User, settings: Settings) -> Webhook:
    """Register a webhook for the actor (an admin or an owner) with a new signing secret."""
    await ensure_allowed_url(url=data.url, settings=settings)
    webhook = Webhook(
        url=data.url,
        events=[event.value for event in data.events],
        description=data.description,
        active=data.active,
        owner_id=actor.id,
        secret=new_secret(),
    )
    await webhook.insert()
    return webhook


async def update(*, webhook: Webhook, data: WebhookUpdate, settings: Settings) -> Webhook:
    """Change a webhook's URL, events, description or active flag."""
    changes: dict[str, Any] = data.changes()
    if not changes:
        return webhook
    if "url" in changes:
        await ensure_allowed_url(url=changes["url"], settings=settings)
    if "events" in changes:
        changes["events"] = [event.value for event in data.events or []]
    await webhook.set({**changes, "updated_at": utcnow()})
    return webhook


async def delete(*, webhook: Webhook) -> None:
    """Remove a webhook and its delivery log (pending deliveries are not sent)."""
    await WebhookDelivery.find({"webhook_id": webhook.id}).delete()
    await webhook.delete()


async def delete_owned_by(*, owner_id: PydanticObjectId) -> None:
    """Remove every webhook of a user (a deleted user's webhooks go with them)."""
    owned = await Webhook.find({"owner_id": owner_id}).to_list()
    for webhook in owned:
        await delete(webhook=webhook)


def _delivery(
    *, webhook_id: PydanticObjectId, event: str, at: Any, data: dict[str, Any]
) -> WebhookDelivery:
    delivery_id = PydanticObjectId()
    payload = DeliveryPayload(id=delivery_id, type=event, created_at=at, data=data)
    body = payload.model_dump_json(fallback=str)
    return WebhookDelivery(id=delivery_id, webhook_id=webhook_id, event=event, body=body)


def _in_scope(owner: User | None, *, pool_owner_id: PydanticObjectId | None) -> bool:
    # Checked when the event happens: an active admin hears of every pool, an active owner of
    # the pools they own at that moment.
    if owner is None or not owner.is_active:
        return False
    return owner.role is Role.ADMIN or (owner.role is Role.OWNER and owner.id == pool_owner_id)


async def enqueue_deliveries(event: Event) -> None:
    """Queue one delivery of `event` per active, subscribed webhook whose owner may see it."""
    webhooks = await Webhook.find({"events": event.type.value, "active": True}).to_list()
    if not webhooks:
        return
    owner_ids = list({webhook.owner_id for webhook in webhooks})
    owners = {user.id: user for user in await User.find({"_id": {"$in": owner_ids}}).to_list()}
    pool = await Pool.get(event.pool_id) if event.pool_id is not None else None
    pool_owner_id = pool.owner_id if pool is not None else None
    deliveries = [
        _delivery(
            webhook_id=webhook.id,
            event=event.type.value,
            at=event.occurred_at,
            data=event.data,
        )
        for webhook in webhooks
        if _in_scope(owners.get(webhook.owner_id), pool_owner_id=pool_owner_id)
    ]
    if deliveries:
        await WebhookDelivery.insert_many(deliveries)


async def queue_ping(*, webhook: Webhook) -> WebhookDelivery:
    """Queue a `ping` delivery to the webhook (whatever its events and active flag)."""
    delivery = _delivery(
        webhook_id=webhook.id,
        event=PING_EVENT,
        at=utcnow(),
        data={"webhookId": str(webhook.id)},
    )
    await delivery.insert()
    return delivery


def list_deliveries(*, webhook: Webhook) -> FindMany[WebhookDelivery]:
    """The webhook's delivery log, newest first."""
    return WebhookDelivery.find({"webhook_id": webhook.id}).sort(newest_first("created_at"))
