"""The email outbox against a real SMTP server: delivery, retries, failure, leases, two workers."""

import asyncio
import json
import logging
from datetime import timedelta

import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.jobs import backoff_delay
from app.notifications import outbox
from app.notifications.models import EmailJob, EmailStatus
from app.notifications.service import enqueue_email
from app.users.models import UserStatus, utcnow
from tests.factories import make_user
from tests.notifications.conftest import RecordingHandler, free_port, smtp_settings


async def _queue(number: int = 0, **fields) -> EmailJob:
    return await enqueue_email(
        to=f"someone{number}@example.com",
        kind="test",
        title=f"Hello <{number}>",
        body="Line one & two.",
        recipient_name="Sam",
        link_path=f"/things/{number}",
        link_label="See it",
        **fields,
    )


async def _drain(settings: Settings, *, until_settled: EmailJob, rounds: int = 400) -> EmailJob:
    """Run the worker until the job leaves `pending` (retries wait out their small backoff)."""
    for _ in range(rounds):
        await outbox.send_due_emails(settings=settings)
        job = await EmailJob.get(until_settled.id)
        if job.status is not EmailStatus.PENDING:
            return job
        await asyncio.sleep(0.01)
    raise AssertionError("the job never settled")


class TestDelivery:
    async def test_arrives_with_text_and_html(
        self, app: FastAPI, settings, smtp_server, smtp_handler
    ):
        settings = smtp_settings(settings, smtp_server.port)
        job = await _queue(1)
        settled = await _drain(settings, until_settled=job)
        assert settled.status is EmailStatus.SENT
        assert settled.attempts == 1
        assert settled.sent_at is not None
        [received] = smtp_handler.received
        assert received["Subject"] == "[Poolia] Hello <1>"
        assert received["To"] == "someone1@example.com"
        assert received["From"] == settings.mail_from
        parts = {part.get_content_type(): part for part in received.walk()}
        text = parts["text/plain"].get_payload(decode=True).decode()
        html = parts["text/html"].get_payload(decode=True).decode()
        assert "https://app.poolia.test/things/1" in text
        assert "Hello <1>" in text  # plain text is not escaped
        assert "Hello &lt;1&gt;" in html and "Line one &amp; two." in html  # HTML is
        assert 'href="https://app.poolia.test/things/1"' in html

    async def test_refused_first_attempts_then_arrives(
        self, app: FastAPI, settings, smtp_server, smtp_handler: RecordingHandler
    ):
        smtp_handler.refuse = 3
        settings = smtp_settings(settings, smtp_server.port)
        job = await _queue(2)
        settled = await _drain(settings, until_settled=job)
        assert settled.status is EmailStatus.SENT
        assert settled.attempts == 4
        assert smtp_handler.refused == 3
        assert len(smtp_handler.received) == 1

    async def test_retry_waits_for_backoff(self, app: FastAPI, settings, smtp_server, smtp_handler):
        smtp_handler.refuse = 1
        settings = smtp_settings(settings, smtp_server.port).model_copy(
            update={"email_retry_base_seconds": 60}
        )
        job = await _queue(3)
        before = utcnow()
        await outbox.send_due_emails(settings=settings)
        await outbox.send_due_emails(settings=settings)  # not due again yet: nothing happens
        stored = await EmailJob.get(job.id)
        assert stored.status is EmailStatus.PENDING
        assert stored.attempts == 1
        assert "451" in stored.last_error
        assert stored.next_attempt_at >= before + timedelta(seconds=60)
        assert smtp_handler.received == []

    async def test_server_down_for_good_fails_after_eight_attempts(self, app: FastAPI, settings):
        settings = smtp_settings(settings, free_port())  # nothing listens there
        job = await _queue(4)
        settled = await _drain(settings, until_settled=job)
        assert settled.status is EmailStatus.FAILED
        assert settled.attempts == outbox.MAX_ATTEMPTS == 8
        assert settled.last_error

    async def test_expired_lease_is_retried(
        self, app: FastAPI, settings, smtp_server, smtp_handler
    ):
        """A worker died mid-send: once its lease ran out, another worker sends the email."""
        settings = smtp_settings(settings, smtp_server.port)
        job = await _queue(5)
        await EmailJob.get_motor_collection().update_one(
            {"_id": job.id},
            {"$set": {"attempts": 1, "lease_until": utcnow() - timedelta(seconds=1)}},
        )
        settled = await _drain(settings, until_settled=job)
        assert settled.status is EmailStatus.SENT
        assert settled.attempts == 2
        assert len(smtp_handler.received) == 1

    async def test_live_lease_is_left_alone(
        self, app: FastAPI, settings, smtp_server, smtp_handler
    ):
        settings = smtp_settings(settings, smtp_server.port)
        job = await _queue(6)
        await EmailJob.get_motor_collection().update_one(
            {"_id": job.id},
            {"$set": {"attempts": 1, "lease_until": utcnow() + timedelta(minutes=5)}},
        )
        assert await outbox.send_due_emails(settings=settings) == 0
        assert smtp_handler.received == []

    async def test_password_reset_link_is_cleared_once_sent(
        self, app: FastAPI, settings, smtp_server, smtp_handler
    ):
        settings = smtp_settings(settings, smtp_server.port)
        job = await _queue(7, sensitive=True)
        settled = await _drain(settings, until_settled=job)
        assert settled.status is EmailStatus.SENT
        assert settled.link_path is None
        assert len(smtp_handler.received) == 1


async def test_no_email_to_a_user_who_left_meanwhile(
    app: FastAPI, settings, smtp_server, smtp_handler
):
    settings = smtp_settings(settings, smtp_server.port)
    user = await make_user(settings)
    job = await _queue(10, user_id=user.id)
    await user.set({"status": UserStatus.INACTIVE})
    settled = await _drain(settings, until_settled=job)
    assert settled.status is EmailStatus.CANCELLED
    assert smtp_handler.received == []


async def test_two_workers_send_each_of_50_emails_exactly_once(
    app: FastAPI, settings, smtp_server, smtp_handler, store_latency
):
    settings = smtp_settings(settings, smtp_server.port)
    jobs = [await _queue(number) for number in range(50)]
    attempted = await asyncio.gather(
        outbox.send_due_emails(settings=settings), outbox.send_due_emails(settings=settings)
    )
    assert sum(attempted) == 50
    assert all(attempted), "both workers took part"
    recipients = sorted(message["To"] for message in smtp_handler.received)
    assert recipients == sorted(f"someone{number}@example.com" for number in range(50))
    stored = await EmailJob.find({"_id": {"$in": [job.id for job in jobs]}}).to_list()
    assert {(job.status, job.attempts) for job in stored} == {(EmailStatus.SENT, 1)}


async def test_console_backend_writes_one_json_line_per_email(
    app: FastAPI, settings, caplog: pytest.LogCaptureFixture
):
    from app.core.logging import JsonFormatter

    settings = settings.model_copy(update={"email_backend": "console"})
    await _queue(8)
    await _queue(9)
    with caplog.at_level(logging.INFO, logger="app.notifications.email"):
        assert await outbox.send_due_emails(settings=settings) == 2
    lines = [JsonFormatter().format(record) for record in caplog.records if record.msg == "email"]
    assert len(lines) == 2
    entries = [json.loads(line) for line in lines]
    assert {entry["email"]["to"] for entry in entries} == {
        "someone8@example.com",
        "someone9@example.com",
    }
    assert all("\n" not in line for line in lines)
    assert (
        "http://localhost:8000/things/8"
        in entries[0]["email"]["text"] + entries[1]["email"]["text"]
    )


def test_backoff_doubles():
    assert [backoff_delay(n, base_seconds=10).total_seconds() for n in (1, 2, 3, 8)] == [
        10,
        20,
        40,
        1280,
    ]


async def test_the_lifespan_runs_the_outbox_worker_and_stops_it(
    settings, smtp_server, smtp_handler: RecordingHandler
):
    """The worker is one of `background_jobs`: an email queued in a request arrives unaided."""
    from app.main import create_app

    running = smtp_settings(settings, smtp_server.port).model_copy(
        update={"background_jobs_enabled": True, "notification_poll_seconds": 0.05}
    )
    application = create_app(running)
    async with application.router.lifespan_context(application):
        names = {task.get_name() for task in asyncio.all_tasks()}
        assert "job:email-outbox" in names
        job = await _queue(11)
        for _ in range(200):
            if smtp_handler.received:
                break
            await asyncio.sleep(0.02)
        assert [message["To"] for message in smtp_handler.received] == ["someone11@example.com"]
        assert (await EmailJob.get(job.id)).status is EmailStatus.SENT
    assert (
        all(task.done() for task in application.state.jobs._tasks)
        or not application.state.jobs._tasks
    )
