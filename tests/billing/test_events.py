"""Billing tells the invoice's owner through the notifications fan-out (§17)."""

import httpx

from app.notifications.models import EmailJob
from app.pools.models import Pool
from tests.billing.conftest import pay, sent_invoice


async def _feed(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict]:
    response = await client.get("/notifications", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_invoice_sent_and_payment_received_reach_the_owner(
    client: httpx.AsyncClient, admin, owner, pool: Pool
):
    sent = await sent_invoice(client, admin, owner, pool, issuedDate="2026-03-31")
    payment = (await pay(client, admin, sent["id"], 2_500, "TRX-1")).json()

    feed = await _feed(client, owner.headers)
    told = {(item["event"], item["resourceType"], item["resourceId"]) for item in feed}
    assert ("invoice.sent", "invoice", sent["id"]) in told
    assert ("payment.received", "payment", payment["id"]) in told
    by_event = {item["event"]: item for item in feed}
    assert "INV-2026-000001" in by_event["invoice.sent"]["title"]
    assert "100.00 EUR" in by_event["invoice.sent"]["body"]
    assert "25.00 EUR" in by_event["payment.received"]["body"]
    # The actor (the admin) is never told of their own action.
    assert not any(
        item["event"].startswith(("invoice.", "payment."))
        for item in await _feed(client, admin.headers)
    )
    emails = await EmailJob.find({"to": owner.user.email}).to_list()
    assert {"invoice.sent", "payment.received"} <= {email.kind for email in emails}
