"""The demo pool's latest reading has a dosing plan to show (DEMO_DATA)."""

from app import demo
from app.dashboard import service as dashboard_service
from app.pools.models import Pool


async def test_demo_dashboard_shows_a_dosing_plan(app, settings):
    await demo.seed(settings=settings, storage=app.state.storage)
    pool = await Pool.find_one({"name": "Villa Azul"})
    balance = (await dashboard_service.build(pool=pool)).water_balance
    assert balance is not None and balance.lsi is not None
    assert [(step.metric, step.action) for step in balance.recommendations][:2] == [
        ("alkalinity", "raise"),
        ("ph", "lower"),
    ]
    assert all(step.amount for step in balance.recommendations)
