"""The demo data shows a webhook with a delivery in its log."""

import httpx
from fastapi import FastAPI

from app import demo
from app.core.config import Settings
from app.users.models import User
from tests.factories import auth_headers


async def test_demo_owner_has_a_webhook_with_a_delivery(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
):
    await demo.seed(settings=settings, storage=app.state.storage)
    await demo.seed(settings=settings, storage=app.state.storage)  # a second start adds nothing
    owner = await User.find_one({"email": demo.DEMO_USERS["owner"][2]})
    assert owner is not None
    headers = await auth_headers(settings, owner)
    webhooks = (await client.get("/webhooks", headers=headers)).json()
    assert webhooks["total"] == 1
    webhook_id = webhooks["items"][0]["id"]
    log = (await client.get(f"/webhooks/{webhook_id}/deliveries", headers=headers)).json()
    assert log["total"] >= 1 and log["items"][-1]["event"] == "ping"
