"""The email outbox worker: claims due emails with a lease, sends them, retries with backoff.

Runs in every API instance as a `PeriodicJob` (see `background_jobs` in app/main.py); the claim
(`claim_next` in app/core/jobs.py) is one conditional update, so two instances never send one
email at the same time, and an email whose lease ran out (its instance died) is sent again.
Delivery is at least once: the Message-ID stays the same across attempts.
"""

import logging
from datetime import timedelta

from app.core.config import Settings
from app.core.jobs import PeriodicJob, backoff_delay, claim_next, settle
from app.notifications.email import EmailSender, build_message, sender_for
from app.notifications.models import EmailJob, EmailStatus
from app.users.models import User, UserStatus, utcnow

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Longer than one SMTP exchange may take (SMTP_TIMEOUT_SECONDS is at most 300).
CLAIM_LEASE = timedelta(minutes=6)
# Emails sent per tick at most, so a backlog does not hold the loop for long.
BATCH_SIZE = 100
ERROR_CHARACTERS = 500


def _cleared(job: EmailJob) -> dict[str, object]:
    return {"link_path": None} if job.sensitive else {}


async def _recipient_left(job: EmailJob) -> bool:
    """Inactive and deleted users get no email, also none queued before they left."""
    if job.user_id is None:
        return False
    active = await User.find_one({"_id": job.user_id, "status": UserStatus.ACTIVE})
    return active is None


async def _deliver(job: EmailJob, *, sender: EmailSender, settings: Settings) -> None:
    if await _recipient_left(job):
        await settle(job, status=EmailStatus.CANCELLED.value, **_cleared(job))
        return
    try:
        await sender(build_message(job, settings=settings))
    except Exception as exc:  # every failure of a send is retried, whatever its kind
        error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARACTERS]
        if job.attempts >= MAX_ATTEMPTS:
            logger.warning("email failed for good", extra={"emailJob": str(job.id)})
            await settle(job, status=EmailStatus.FAILED.value, last_error=error, **_cleared(job))
            return
        delay = backoff_delay(job.attempts, base_seconds=settings.email_retry_base_seconds)
        await settle(job, last_error=error, next_attempt_at=utcnow() + delay)
        return
    await settle(
        job, status=EmailStatus.SENT.value, sent_at=utcnow(), last_error=None, **_cleared(job)
    )


async def send_due_emails(*, settings: Settings, sender: EmailSender | None = None) -> int:
    """Send the emails that are due (up to a batch); returns how many were attempted."""
    sender = sender or sender_for(settings)
    attempted = 0
    while attempted < BATCH_SIZE:
        job = await claim_next(EmailJob, lease=CLAIM_LEASE)
        if job is None:
            break
        attempted += 1
        if job.attempts > MAX_ATTEMPTS:
            # Its last attempt's instance died mid-send: no ninth try.
            await settle(job, status=EmailStatus.FAILED.value, **_cleared(job))
            continue
        await _deliver(job, sender=sender, settings=settings)
    return attempted


def outbox_job(settings: Settings) -> PeriodicJob:
    """The outbox worker, polling every NOTIFICATION_POLL_SECONDS."""
    sender = sender_for(settings)
    return PeriodicJob(
        name="email-outbox",
        interval_seconds=settings.notification_poll_seconds,
        run=lambda: send_due_emails(settings=settings, sender=sender),
    )
