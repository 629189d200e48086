"""The fan-out of an event to people (in-app feed, email outbox), and the feed and preferences.

`publish` is the one place that decides who hears of an event: the recipients the event names,
without the actor and without inactive or deleted users. Each one gets an in-app notification,
written in the request that caused the event, and an email in the outbox when their preferences
allow it; a worker sends the outbox (`app/notifications/outbox.py`).
"""

from collections.abc import Iterable

from beanie import PydanticObjectId
from beanie.odm.queries.find import FindMany
from pymongo import ReturnDocument

from app.core.queries import newest_first
from app.notifications.events import EMAIL_PREFERENCE, Event
from app.notifications.exceptions import NotificationNotFound
from app.notifications.models import (
    EmailDetail,
    EmailJob,
    EmailPreferences,
    Notification,
    NotificationPreferences,
)
from app.users.models import User, UserStatus, utcnow
from app.webhooks import service as webhooks_service

NEWEST_FIRST = newest_first("created_at")


def email_subject(title: str, pool_name: str | None) -> str:
    """`[Poolia] <pool>: <title>`, or `[Poolia] <title>` when no pool is involved."""
    return f"[Poolia] {pool_name}: {title}" if pool_name else f"[Poolia] {title}"


async def _recipients(event: Event) -> list[User]:
    wanted = {user_id for user_id in event.recipient_ids if user_id != event.actor_id}
    if not wanted:
        return []
    users = await User.find({"_id": {"$in": list(wanted)}, "status": UserStatus.ACTIVE}).to_list()
    return sorted(users, key=lambda user: str(user.id))


async def _email_preferences(user_ids: Iterable[PydanticObjectId]) -> dict[str, EmailPreferences]:
    stored = await NotificationPreferences.find({"_id": {"$in": list(user_ids)}}).to_list()
    return {str(preferences.id): preferences.email for preferences in stored}


def _email_job(event: Event, *, to: str, user: User | None) -> EmailJob:
    return EmailJob(
        to=to,
        recipient_name=user.name if user else None,
        user_id=user.id if user else None,
        kind=event.type.value,
        subject=email_subject(event.title, event.pool_name),
        title=event.title,
        body=event.body,
        details=[EmailDetail(label=label, value=value) for label, value in event.details],
        link_path=event.guest_link_path if user is None else event.link_path,
        link_label=event.link_label,
    )


async def publish(event: Event) -> list[Notification]:
    """Tell the event's recipients (never its actor): in-app now, by email through the outbox;
    and queue it for the webhooks subscribed to it (§17)."""
    users = await _recipients(event)
    notifications = [
        Notification(
            user_id=user.id,
            event=event.type.value,
            title=event.title,
            body=event.body,
            pool_id=event.pool_id,
            resource_type=event.resource_type,
            resource_id=event.resource_id,
            created_at=event.occurred_at,
        )
        for user in users
    ]
    if notifications:
        await Notification.insert_many(notifications)
    preference = EMAIL_PREFERENCE[event.type]
    allowed = await _email_preferences(user.id for user in users) if users else {}
    emails = [
        _email_job(event, to=user.email, user=user)
        for user in users
        if getattr(allowed.get(str(user.id), EmailPreferences()), preference)
    ]
    emails += [_email_job(event, to=address, user=None) for address in event.guest_emails]
    if emails:
        await EmailJob.insert_many(emails)
    await webhooks_service.enqueue_deliveries(event)
    return notifications


async def enqueue_email(
    *,
    to: str,
    kind: str,
    title: str,
    body: str,
    recipient_name: str | None = None,
    user_id: PydanticObjectId | None = None,
    link_path: str | None = None,
    link_label: str | None = None,
    sensitive: bool = False,
) -> EmailJob:
    """Queue one email that is no notification (a password reset): no preference applies."""
    job = EmailJob(
        to=to,
        recipient_name=recipient_name,
        user_id=user_id,
        kind=kind,
        subject=email_subject(title, None),
        title=title,
        body=body,
        link_path=link_path,
        link_label=link_label,
        sensitive=sensitive,
    )
    await job.insert()
    return job


def list_(*, user: User, unread: bool | None = None) -> FindMany[Notification]:
    """The user's own notifications, newest first; only the unread ones when asked."""
    query: dict[str, object] = {"user_id": user.id}
    if unread is True:
        query["read_at"] = None
    elif unread is False:
        query["read_at"] = {"$ne": None}
    return Notification.find(query).sort(NEWEST_FIRST)


async def count_unread(*, user: User) -> int:
    """How many of the user's notifications are unread."""
    return await Notification.find({"user_id": user.id, "read_at": None}).count()


async def get_own(*, notification_id: PydanticObjectId, user: User) -> Notification:
    """One of the user's own notifications; anyone else's is 404."""
    notification = await Notification.find_one({"_id": notification_id, "user_id": user.id})
    if notification is None:
        raise NotificationNotFound
    return notification


async def mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read; reading it again keeps the first `readAt`."""
    raw = await Notification.get_motor_collection().find_one_and_update(
        {"_id": notification.id, "read_at": None},
        {"$set": {"read_at": utcnow()}},
        return_document=ReturnDocument.AFTER,
    )
    if raw is None:
        return await Notification.get(notification.id) or notification
    return Notification.model_validate(raw)


async def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = await Notification.get_motor_collection().update_many(
        {"user_id": user.id, "read_at": None}, {"$set": {"read_at": utcnow()}}
    )
    return result.modified_count


async def get_preferences(*, user: User) -> EmailPreferences:
    """The user's email preferences (all on until changed)."""
    stored = await NotificationPreferences.get(user.id)
    return stored.email if stored else EmailPreferences()


async def put_preferences(*, user: User, email: EmailPreferences) -> EmailPreferences:
    """Replace the user's email preferences (one upsert)."""
    await NotificationPreferences.get_motor_collection().update_one(
        {"_id": user.id},
        {"$set": {"email": email.model_dump(), "updated_at": utcnow()}},
        upsert=True,
    )
    return email
