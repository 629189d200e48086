"""The document store: Motor for a real MongoDB, mongomock-motor in memory when no URL is set."""

import logging
from typing import Any

from beanie import init_beanie
from motor.motor_asyncio import AsyncIOMotorClient

from app.core.config import Settings
from app.core.documents import Document

logger = logging.getLogger(__name__)


def document_models() -> list[type[Document]]:
    """Every Beanie document of the app; `init_beanie` creates their indexes."""
    from app.alerts.models import Alert, AlertConfig
    from app.audit.models import AuditEvent
    from app.auth.models import PasswordResetRequest, PasswordResetToken, RateLimit, Session
    from app.billing.models import Invoice, InvoiceCounter, Payment
    from app.core.idempotency.models import IdempotencyRecord
    from app.core.jobs import JobLease
    from app.invites.models import Invite
    from app.messaging.models import Message, Thread
    from app.notifications.models import EmailJob, Notification, NotificationPreferences
    from app.photos.models import Photo
    from app.plans.models import ServicePlan
    from app.pools.models import Pool
    from app.readings.models import PoolValues
    from app.users.models import User
    from app.visits.models import Visit
    from app.webhooks.models import Webhook, WebhookDelivery

    return [
        User,
        Session,
        RateLimit,
        AuditEvent,
        Pool,
        Invite,
        PoolValues,
        Visit,
        ServicePlan,
        AlertConfig,
        Alert,
        Photo,
        Thread,
        Message,
        JobLease,
        Invoice,
        Payment,
        InvoiceCounter,
        Webhook,
        WebhookDelivery,
        IdempotencyRecord,
        PasswordResetToken,
        PasswordResetRequest,
        Notification,
        NotificationPreferences,
        EmailJob,
    ]


def create_client(settings: Settings) -> Any:
    """A timezone-aware client: Motor on MONGODB_URL, else an in-memory mongomock store."""
    if settings.mongodb_url:
        return AsyncIOMotorClient(
            settings.mongodb_url, tz_aware=True, serverSelectionTimeoutMS=5000
        )
    from mongomock_motor import AsyncMongoMockClient

    logger.warning("MONGODB_URL is not set: using the embedded in-memory store (dev/demo only)")
    return AsyncMongoMockClient(tz_aware=True)


def is_embedded(collection: Any) -> bool:
    """Whether a collection lives in the embedded store (mongomock) rather than on a server."""
    from mongomock_motor import AsyncMongoMockCollection

    return isinstance(collection, AsyncMongoMockCollection)


async def init_database(settings: Settings) -> Any:
    """Connect, bind every document model and create the declared indexes."""
    client = create_client(settings)
    await init_beanie(database=client[settings.mongodb_db], document_models=document_models())
    return client


async def ping(client: Any) -> None:
    """Raise if the database does not answer."""
    await client.admin.command("ping")
