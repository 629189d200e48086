"""Emails: built with `email.message.EmailMessage` from Jinja2 templates, sent by one backend.

`console` (the default) writes each email as one JSON log line, so a newcomer running the demo
sees the links in the terminal; `smtp` hands it to a real server with aiosmtplib.
"""

import logging
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from email.utils import make_msgid
from functools import cache

import aiosmtplib
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.core.config import Settings
from app.notifications.models import EmailJob

logger = logging.getLogger(__name__)

EmailSender = Callable[[EmailMessage], Awaitable[None]]


@cache
def _templates() -> Environment:
    # Built on first use, not at import; HTML is escaped, plain text is not.
    return Environment(
        loader=PackageLoader("app.notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def build_message(job: EmailJob, *, settings: Settings) -> EmailMessage:
    """The email of an outbox job: plain text and HTML alternatives, links on FRONTEND_URL."""
    context = {
        "subject": job.subject,
        "recipient_name": job.recipient_name,
        "title": job.title,
        "body": job.body,
        "details": job.details,
        "link": f"{settings.frontend_base_url}{job.link_path}" if job.link_path else None,
        "link_label": job.link_label,
    }
    message = EmailMessage()
    message["Subject"] = job.subject
    message["From"] = settings.mail_from
    message["To"] = job.to
    # The job's id keeps the Message-ID stable across retries, so receivers can drop duplicates.
    message["Message-ID"] = make_msgid(idstring=str(job.id), domain="poolia")
    message.set_content(_templates().get_template("email.txt").render(context))
    message.add_alternative(_templates().get_template("email.html").render(context), subtype="html")
    return message


async def send_to_console(message: EmailMessage) -> None:
    """Write the email as one JSON log line (the development backend)."""
    text = message.get_body(preferencelist=("plain",))
    logger.info(
        "email",
        extra={
            "email": {
                "to": message["To"],
                "from": message["From"],
                "subject": message["Subject"],
                "text": text.get_content() if text is not None else "",
            }
        },
    )


def smtp_sender(settings: Settings) -> EmailSender:
    """A sender that delivers to SMTP_HOST:SMTP_PORT with aiosmtplib."""

    async def send(message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )

    return send


def sender_for(settings: Settings) -> EmailSender:
    """The backend EMAIL_BACKEND names."""
    if settings.email_backend == "smtp":
        return smtp_sender(settings)
    return send_to_console
