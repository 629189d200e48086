"""Notification, feed and preference bodies."""

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, Page, UtcDatetime
from app.notifications.models import EmailPreferences


class NotificationOut(ApiOutput):
    id: ObjectIdOut
    event: str
    title: str
    body: str
    pool_id: ObjectIdOut | None
    resource_type: str
    resource_id: ObjectIdOut
    read_at: UtcDatetime | None
    created_at: UtcDatetime


class NotificationPage(Page[NotificationOut]):
    """A page of the caller's notifications, with how many of all of them are unread."""

    unread_count: int


class ReadAllOut(ApiOutput):
    updated: int


class EmailPreferencesIn(ApiInput):
    alerts: bool
    visit_reports: bool
    messages: bool
    invites: bool
    billing: bool

    def to_stored(self) -> EmailPreferences:
        return EmailPreferences(**self.model_dump())


class NotificationPreferencesIn(ApiInput):
    email: EmailPreferencesIn


class EmailPreferencesOut(ApiOutput):
    alerts: bool
    visit_reports: bool
    messages: bool
    invites: bool
    billing: bool


class NotificationPreferencesOut(ApiOutput):
    email: EmailPreferencesOut
