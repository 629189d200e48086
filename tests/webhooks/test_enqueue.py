"""Which webhooks hear of an event (contract §17): subscribed, active, and in the owner's scope."""

import json
from dataclasses import replace

from beanie import PydanticObjectId

from app.core.config import Settings
from app.notifications.events import EventType
from app.pools.models import Pool
from app.users.models import Role, UserStatus
from app.webhooks import service
from app.webhooks.models import Webhook, WebhookDelivery
from tests.conftest import Caller
from tests.factories import make_pool, make_user, make_webhook
from tests.webhooks.conftest import alert_event


async def delivered_to() -> set[PydanticObjectId]:
    return {delivery.webhook_id for delivery in await WebhookDelivery.find_all().to_list()}


class TestEnqueueDeliveries:
    async def test_pool_owner(self, owner: Caller, pool: Pool):
        webhook = await make_webhook(owner.user)
        event = alert_event(pool)
        await service.enqueue_deliveries(event)
        [delivery] = await WebhookDelivery.find_all().to_list()
        assert (delivery.webhook_id, delivery.event, delivery.status) == (
            webhook.id,
            "alert.raised",
            "pending",
        )
        payload = json.loads(delivery.body)
        assert payload == {
            "id": str(delivery.id),
            "type": "alert.raised",
            "createdAt": payload["createdAt"],
            "data": event.data,
        }

    async def test_other_owner(self, other_owner: Caller, pool: Pool):
        await make_webhook(other_owner.user)
        await service.enqueue_deliveries(alert_event(pool))
        assert await delivered_to() == set()

    async def test_admin_hears_every_pool(self, admin: Caller, other_owner: Caller):
        webhook = await make_webhook(admin.user)
        await service.enqueue_deliveries(alert_event(await make_pool(other_owner.user)))
        assert await delivered_to() == {webhook.id}

    async def test_actor_is_still_told(self, owner: Caller, pool: Pool):
        """The "never the actor" rule is about people, not webhooks."""
        webhook = await make_webhook(owner.user)
        event = alert_event(pool)
        await service.enqueue_deliveries(replace(event, actor_id=owner.user.id))
        assert await delivered_to() == {webhook.id}

    async def test_assigned_technician_never(self, technician: Caller, pool: Pool):
        # A technician cannot create webhooks; one left from an earlier role hears nothing.
        await make_webhook(technician.user)
        await service.enqueue_deliveries(alert_event(pool))
        assert await delivered_to() == set()

    async def test_unsubscribed_event(self, owner: Caller, pool: Pool):
        await make_webhook(owner.user, events=["message.posted"])
        await service.enqueue_deliveries(alert_event(pool))
        assert await delivered_to() == set()

    async def test_subscribed_among_others(self, owner: Caller, pool: Pool):
        webhook = await make_webhook(owner.user, events=["message.posted", "visit.completed"])
        await service.enqueue_deliveries(alert_event(pool, event_type=EventType.VISIT_COMPLETED))
        assert await delivered_to() == {webhook.id}

    async def test_inactive_webhook(self, owner: Caller, pool: Pool):
        await make_webhook(owner.user, active=False)
        await service.enqueue_deliveries(alert_event(pool))
        assert await delivered_to() == set()

    async def test_inactive_owner(self, settings: Settings):
        for status in (UserStatus.INACTIVE, UserStatus.DELETED):
            user = await make_user(settings, role=Role.OWNER, status=status)
            await make_webhook(user)
            await service.enqueue_deliveries(alert_event(await make_pool(user)))
        assert await delivered_to() == set()

    async def test_scope_follows_the_current_owner(
        self, owner: Caller, other_owner: Caller, pool: Pool
    ):
        mine, theirs = await make_webhook(owner.user), await make_webhook(other_owner.user)
        await pool.set({"owner_id": other_owner.user.id})
        await service.enqueue_deliveries(alert_event(pool))
        assert await delivered_to() == {theirs.id} != {mine.id}

    async def test_event_without_pool(self, admin: Caller, owner: Caller, pool: Pool):
        webhook = await make_webhook(admin.user)
        await make_webhook(owner.user)
        event = alert_event(pool)
        await service.enqueue_deliveries(replace(event, pool_id=None))
        assert await delivered_to() == {webhook.id}

    async def test_one_delivery_per_webhook(self, admin: Caller, owner: Caller, pool: Pool):
        hooks = {(await make_webhook(user)).id for user in (admin.user, owner.user, owner.user)}
        await service.enqueue_deliveries(alert_event(pool))
        assert await WebhookDelivery.count() == 3
        assert await delivered_to() == hooks
        assert await Webhook.count() == 3
