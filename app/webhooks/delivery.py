"""The delivery worker: claims due deliveries, signs and POSTs them, records the outcome.

Each attempt re-runs the SSRF guard and connects to the address it checked; redirects are not
followed (a 3xx is a failed attempt). A 2xx within the timeout is success; anything else is retried
with exponential backoff until `MAX_ATTEMPTS`, then the delivery is `failed`.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx

from app.core.config import Settings
from app.core.jobs import backoff_delay, claim_next, settle
from app.users.models import utcnow
from app.webhooks import targets
from app.webhooks.exceptions import WebhookUrlNotAllowed
from app.webhooks.models import MAX_ATTEMPTS, DeliveryStatus, Webhook, WebhookDelivery
from app.webhooks.signing import SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

# Deliveries attempted at once by one worker tick (each may wait up to the timeout).
BATCH_SIZE = 16
# Room beyond the request timeout before another worker may take a claimed delivery over.
LEASE_MARGIN_SECONDS = 30
MAX_ERROR_LENGTH = 500
USER_AGENT = "Poolia-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


async def _pinned_request(url: str, settings: Settings) -> tuple[httpx.URL, dict[str, str], dict]:
    """The URL, Host header and TLS name to connect to the checked address, not to the name."""
    if settings.webhook_allow_private_targets:
        return httpx.URL(url), {}, {}
    target = await targets.ensure_public(url)
    original = httpx.URL(url)
    pinned = original.copy_with(host=str(target.addresses[0]))
    extensions = {"sni_hostname": original.host} if original.scheme == "https" else {}
    return pinned, {"Host": original.netloc.decode("ascii")}, extensions


async def send(
    *, delivery: WebhookDelivery, webhook: Webhook, client: httpx.AsyncClient, settings: Settings
) -> Outcome:
    """One signed POST of the delivery's body to the webhook's URL."""
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Poolia-Event": delivery.event,
        "Poolia-Delivery": str(delivery.id),
        SIGNATURE_HEADER: signature_header(
            secret=webhook.secret, timestamp=int(time.time()), body=body
        ),
    }
    try:
        url, host_header, extensions = await _pinned_request(webhook.url, settings)
        async with (
            asyncio.timeout(settings.webhook_timeout_seconds),
            client.stream(
                "POST",
                url,
                content=body,
                headers={**headers, **host_header},
                extensions=extensions,
            ) as response,
        ):
            # The answer's body is never read: only its status counts.
            status_code = response.status_code
    except WebhookUrlNotAllowed as refused:
        return Outcome(error=f"Not sent: {refused.reason}")
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(error=f"No answer within {settings.webhook_timeout_seconds:g} s.")
    except (httpx.HTTPError, OSError) as error:
        return Outcome(error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH])
    if 300 <= status_code < 400:
        redirect = f"The receiver answered {status_code}; redirects are not followed."
        return Outcome(status_code, redirect)
    if not 200 <= status_code < 300:
        return Outcome(status_code, f"The receiver answered {status_code}.")
    return Outcome(status_code)


async def attempt(
    *, delivery: WebhookDelivery, client: httpx.AsyncClient, settings: Settings
) -> DeliveryStatus:
    """Send a claimed delivery and record the outcome: succeeded, retry later, or failed."""
    webhook = await Webhook.get(delivery.webhook_id)
    if webhook is None:
        outcome = Outcome(error="The webhook was deleted.")
        await settle(delivery, status=DeliveryStatus.FAILED, last_error=outcome.error)
        return DeliveryStatus.FAILED
    outcome = await send(delivery=delivery, webhook=webhook, client=client, settings=settings)
    now = utcnow()
    recorded = {"last_status_code": outcome.status_code, "last_error": outcome.error}
    if outcome.succeeded:
        status = DeliveryStatus.SUCCEEDED
        await settle(delivery, status=status, delivered_at=now, **recorded)
    elif delivery.attempts >= MAX_ATTEMPTS:
        status = DeliveryStatus.FAILED
        await settle(delivery, status=status, **recorded)
    else:
        status = DeliveryStatus.PENDING
        delay = backoff_delay(delivery.attempts, base_seconds=settings.webhook_retry_base_seconds)
        await settle(delivery, next_attempt_at=now + delay, **recorded)
    if status is not DeliveryStatus.SUCCEEDED:
        logger.info(
            "webhook delivery attempt failed",
            extra={"delivery": str(delivery.id), "attempts": delivery.attempts, "status": status},
        )
    return status


def new_client(settings: Settings) -> httpx.AsyncClient:
    """The HTTP client of the deliveries: no redirects, no proxy from the environment."""
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        timeout=settings.webhook_timeout_seconds,
    )


async def deliver_due(*, settings: Settings) -> int:
    """Attempt every delivery that is due now, `BATCH_SIZE` at a time; the number attempted."""
    lease = timedelta(seconds=settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS)
    attempted = 0
    client: httpx.AsyncClient | None = None
    try:
        while True:
            claimed: list[WebhookDelivery] = []
            while len(claimed) < BATCH_SIZE:
                delivery = await claim_next(WebhookDelivery, lease=lease)
                if delivery is None:
                    break
                claimed.append(delivery)
            if not claimed:
                return attempted
            # Created on first use: most ticks find nothing to send.
            client = client or new_client(settings)
            results = await asyncio.gather(
                *(attempt(delivery=item, client=client, settings=settings) for item in claimed),
                return_exceptions=True,
            )
            for item, result in zip(claimed, results, strict=True):
                # The claim runs out and the delivery is tried again; the others are recorded.
                if isinstance(result, Exception):
                    logger.error(
                        "webhook delivery attempt crashed",
                        exc_info=result,
                        extra={"delivery": str(item.id)},
                    )
            attempted += len(claimed)
    finally:
        if client is not None:
            await client.aclose()
