"""Demo data (`DEMO_DATA=true`): a weekly plan with upcoming visits, one completed with readings."""

import pytest

from app.main import create_app
from app.plans.models import ServicePlan
from app.readings.models import PoolValues
from app.users.models import utcnow
from app.visits.models import Visit, VisitStatus


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"demo_data": True, "background_jobs_enabled": False})


async def test_demo_has_a_weekly_plan(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        plan = await ServicePlan.find_one({})
        assert plan is not None and plan.active and plan.interval_weeks == 1
        visits = await Visit.find({"service_plan_id": plan.id}).to_list()
        upcoming = [
            v for v in visits if v.status is VisitStatus.SCHEDULED and v.scheduled_start > utcnow()
        ]
        completed = [v for v in visits if v.status is VisitStatus.COMPLETED]
        assert len(upcoming) >= 7
        assert len(completed) == 1 and completed[0].pool_values_id is not None
        assert await PoolValues.get(completed[0].pool_values_id) is not None
        assert [task.done for task in completed[0].tasks] == [True, True, True, False]
