"""The delivery worker against a real HTTP receiver: signatures, retries, failure, no redirects."""

import asyncio
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app
from app.pools.models import Pool
from app.users.models import utcnow
from app.webhooks import delivery as worker
from app.webhooks import service
from app.webhooks.models import MAX_ATTEMPTS, DeliveryStatus, Webhook, WebhookDelivery
from tests.conftest import Caller
from tests.factories import make_webhook
from tests.webhooks.conftest import Receiver, alert_event


async def queued(pool: Pool) -> WebhookDelivery:
    """Publish an alert of `pool` to the webhooks and return the one delivery it queued."""
    await service.enqueue_deliveries(alert_event(pool))
    deliveries = await WebhookDelivery.find_all().to_list()
    assert len(deliveries) == 1
    return deliveries[0]


async def until_settled(delivery: WebhookDelivery, settings: Settings) -> WebhookDelivery:
    """Run worker ticks until the delivery is no longer pending."""
    for _ in range(500):
        await worker.deliver_due(settings=settings)
        current = await WebhookDelivery.get(delivery.id)
        assert current is not None
        if current.status is not DeliveryStatus.PENDING:
            return current
        await asyncio.sleep(0.01)
    raise AssertionError("the delivery never settled")


def one_attempt(settings: Settings, **changes: object) -> Settings:
    """Settings whose backoff keeps a failed delivery from being retried within the same tick."""
    return settings.model_copy(update={"webhook_retry_base_seconds": 60, **changes})


def verify(secret: str, headers: dict[str, str], body: bytes) -> int:
    """The receiver's check, written independently of the app: returns the signed timestamp."""
    fields = dict(part.split("=", 1) for part in headers["Poolia-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(expected.hexdigest(), fields["v1"]), "bad signature"
    return int(fields["t"])


class TestSignedDelivery:
    async def test_body_headers_and_signature(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        event = alert_event(pool)
        await service.enqueue_deliveries(event)
        assert await worker.deliver_due(settings=settings) == 1
        [request] = receiver.requests
        assert request.path == "/hook"
        timestamp = verify(webhook.secret, request.headers, request.body)
        assert abs(timestamp - time.time()) < 5
        payload = json.loads(request.body)
        assert set(payload) == {"id", "type", "createdAt", "data"}
        assert (payload["type"], payload["data"]) == ("alert.raised", event.data)
        assert payload["createdAt"].endswith("Z")
        assert request.headers["Poolia-Event"] == "alert.raised"
        assert request.headers["Poolia-Delivery"] == payload["id"]
        assert request.headers["Content-Type"] == "application/json"
        stored = await WebhookDelivery.get(payload["id"])
        assert stored is not None
        assert (stored.status, stored.attempts, stored.last_status_code) == (
            DeliveryStatus.SUCCEEDED,
            1,
            200,
        )
        assert stored.delivered_at is not None and stored.last_error is None

    async def test_wrong_secret_fails_verification(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        await service.enqueue_deliveries(alert_event(pool))
        await worker.deliver_due(settings=settings)
        [request] = receiver.requests
        tampered = request.body.replace(b"9.0", b"7.0")
        for secret, body in (("whsec_other", request.body), (webhook.secret, tampered)):
            try:
                verify(secret, request.headers, body)
            except AssertionError:
                continue
            raise AssertionError("a wrong secret or a changed body passed verification")

    async def test_log_shows_the_outcome(
        self,
        client: httpx.AsyncClient,
        owner: Caller,
        settings: Settings,
        pool: Pool,
        webhook: Webhook,
        receiver: Receiver,
    ):
        await service.enqueue_deliveries(alert_event(pool))
        await worker.deliver_due(settings=settings)
        response = await client.get(f"/webhooks/{webhook.id}/deliveries", headers=owner.headers)
        [logged] = response.json()["items"]
        assert (logged["status"], logged["attempts"], logged["lastStatusCode"]) == (
            "succeeded",
            1,
            200,
        )
        assert logged["deliveredAt"] is not None and logged["nextAttemptAt"] is None


class TestRetries:
    async def test_failed_attempt_backs_off(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        receiver.statuses = [500]
        slow = one_attempt(settings, webhook_retry_base_seconds=10)
        delivery = await queued(pool)
        before = utcnow()
        await worker.deliver_due(settings=slow)
        await worker.deliver_due(settings=slow)  # not due again yet
        stored = await WebhookDelivery.get(delivery.id)
        assert stored is not None and len(receiver.requests) == 1
        assert (stored.status, stored.attempts, stored.last_status_code) == ("pending", 1, 500)
        assert stored.last_error == "The receiver answered 500."
        wait = stored.next_attempt_at - before
        assert timedelta(seconds=9) < wait < timedelta(seconds=12)

    async def test_succeeds_after_failures(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        receiver.statuses = [500, 503]
        settled = await until_settled(await queued(pool), settings)
        assert (settled.status, settled.attempts, settled.last_status_code) == (
            DeliveryStatus.SUCCEEDED,
            3,
            200,
        )
        assert len(receiver.requests) == 3
        # Every attempt sends the same body and delivery id, freshly signed.
        assert len({request.body for request in receiver.requests}) == 1
        assert {request.headers["Poolia-Delivery"] for request in receiver.requests} == {
            str(settled.id)
        }
        for request in receiver.requests:
            verify(webhook.secret, request.headers, request.body)

    async def test_failed_after_eight_attempts(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        receiver.statuses = [500] * 20
        settled = await until_settled(await queued(pool), settings)
        assert (settled.status, settled.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
        assert len(receiver.requests) == MAX_ATTEMPTS == 8
        await worker.deliver_due(settings=settings)
        assert len(receiver.requests) == MAX_ATTEMPTS

    async def test_unreachable_receiver(self, settings: Settings, owner: Caller, pool: Pool):
        await make_webhook(owner.user, url="http://127.0.0.1:9/closed-port")
        settled = await until_settled(await queued(pool), settings)
        assert (settled.status, settled.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
        assert settled.last_status_code is None and settled.last_error

    async def test_timeout(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        receiver.delay_seconds = 2
        quick = one_attempt(settings, webhook_timeout_seconds=0.3)
        delivery = await queued(pool)
        started = time.monotonic()
        await worker.deliver_due(settings=quick)
        assert time.monotonic() - started < 1.9  # the receiver answers after 2 s
        stored = await WebhookDelivery.get(delivery.id)
        assert stored is not None and stored.status is DeliveryStatus.PENDING
        assert stored.last_error == "No answer within 0.3 s."

    async def test_redirect_not_followed(
        self, settings: Settings, owner: Caller, pool: Pool, receiver: Receiver
    ):
        await make_webhook(owner.user, url=receiver.url("/redirect"))
        delivery = await queued(pool)
        await worker.deliver_due(settings=one_attempt(settings))
        assert receiver.paths() == ["/redirect"]
        stored = await WebhookDelivery.get(delivery.id)
        assert stored is not None and stored.status is DeliveryStatus.PENDING
        assert stored.last_status_code == 307
        assert "redirects are not followed" in (stored.last_error or "")

    async def test_deleted_webhook(self, settings: Settings, pool: Pool, webhook: Webhook):
        delivery = await queued(pool)
        await Webhook.find({"_id": webhook.id}).delete()
        await worker.deliver_due(settings=settings)
        stored = await WebhookDelivery.get(delivery.id)
        assert stored is not None and stored.status is DeliveryStatus.FAILED
        assert stored.last_error == "The webhook was deleted."


class TestGuardAtDelivery:
    async def test_private_target_refused(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        """A URL accepted earlier (or a name that now resolves inside) is checked again."""
        guarded = one_attempt(settings, webhook_allow_private_targets=False)
        delivery = await queued(pool)
        await worker.deliver_due(settings=guarded)
        assert receiver.requests == []
        stored = await WebhookDelivery.get(delivery.id)
        assert stored is not None and stored.attempts == 1
        assert "127.0.0.1, which is not a public address" in (stored.last_error or "")

    async def test_loopback_name_refused(
        self, settings: Settings, owner: Caller, pool: Pool, receiver: Receiver
    ):
        port = receiver.base_url.rsplit(":", 1)[1]
        await make_webhook(owner.user, url=f"http://localhost:{port}/hook")
        guarded = one_attempt(settings, webhook_allow_private_targets=False)
        await queued(pool)
        await worker.deliver_due(settings=guarded)
        assert receiver.requests == []


class TestConcurrentWorkers:
    async def test_each_delivery_sent_once(
        self,
        store_latency,
        settings: Settings,
        owner: Caller,
        pool: Pool,
        webhook: Webhook,
        receiver: Receiver,
    ):
        for _ in range(30):
            await service.enqueue_deliveries(alert_event(pool))
        # A generous timeout: a retry after a timed-out attempt would rightly send one twice.
        patient = one_attempt(settings, webhook_timeout_seconds=10)
        await asyncio.gather(*(worker.deliver_due(settings=patient) for _ in range(3)))
        sent = [request.headers["Poolia-Delivery"] for request in receiver.requests]
        assert len(sent) == 30 == len(set(sent))
        assert await WebhookDelivery.find({"status": "succeeded"}).count() == 30


class TestBackgroundWorker:
    async def test_runner_delivers_within_the_poll_interval(
        self, settings: Settings, receiver: Receiver
    ):
        """The app's own job runner picks deliveries up: event to arrival within one poll."""
        poll = 0.2
        running = settings.model_copy(
            update={"background_jobs_enabled": True, "notification_poll_seconds": poll}
        )
        application: FastAPI = create_app(running)
        async with application.router.lifespan_context(application):
            from tests.factories import make_pool, make_user

            owner = await make_user(running)
            await make_webhook(owner, url=receiver.url())
            pool = await make_pool(owner)
            started = time.monotonic()
            await service.enqueue_deliveries(alert_event(pool))
            await asyncio.wait_for(receiver.arrived.wait(), timeout=5)
            delay = time.monotonic() - started
        assert delay < poll + 0.5


class TestReadmeSnippet:
    async def test_receiver_check_from_the_readme(
        self, settings: Settings, pool: Pool, webhook: Webhook, receiver: Receiver
    ):
        """The README's verification snippet accepts a real delivery and refuses a forged one."""
        readme = (Path(__file__).parents[2] / "README.md").read_text()
        snippet = re.search(r"```python\n(.*?def verify.*?)```", readme, re.DOTALL)
        assert snippet is not None, "the README lost its verification snippet"
        namespace: dict[str, object] = {}
        exec(snippet[1], namespace)
        readme_verify = namespace["verify"]
        await service.enqueue_deliveries(alert_event(pool))
        await worker.deliver_due(settings=settings)
        [request] = receiver.requests
        header = request.headers["Poolia-Signature"]
        assert readme_verify(webhook.secret, header, request.body)
        assert not readme_verify(webhook.secret, header, request.body + b" ")
        assert not readme_verify("whsec_guess", header, request.body)
