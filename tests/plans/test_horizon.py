"""The horizon job: extends plans up to SCHEDULE_HORIZON_DAYS, safe with several instances.

Occurrences are unique per plan and date (index), written under the technician's schedule lease,
and the job itself runs on one instance at a time (lease). `store_latency` makes the two jobs
below interleave at every store call, as two API instances on one MongoDB would.
"""

import asyncio
from collections import Counter
from datetime import time, timedelta

import pytest
from beanie import PydanticObjectId
from pymongo.errors import DuplicateKeyError

from app.core.jobs import JobLease
from app.plans import service as plans_service
from app.plans.models import ServicePlan
from app.plans.schedule import local_to_utc
from app.visits.models import Visit, VisitStatus
from tests.conftest import Caller
from tests.plans.conftest import HORIZON_DAYS, MADRID, in_days, plan_body
from tests.visits.conftest import make_visit

LONGER = HORIZON_DAYS + 14  # two more weekly occurrences: +17 and +24 days


async def create_plan(client, owner: Caller, technician: Caller, pool) -> PydanticObjectId:
    response = await client.post(
        f"/pools/{pool.id}/service-plans", json=plan_body(technician), headers=owner.headers
    )
    assert response.status_code == 201, response.text
    return PydanticObjectId(response.json()["id"])


async def plan_keys(plan_id: PydanticObjectId) -> Counter[str]:
    visits = await Visit.find({"service_plan_id": plan_id}).to_list()
    return Counter(visit.occurrence_key for visit in visits)


async def test_extends_the_horizon(client, owner: Caller, technician: Caller, pool):
    plan_id = await create_plan(client, owner, technician, pool)
    assert sum((await plan_keys(plan_id)).values()) == 2
    await plans_service.extend_horizon(horizon_days=LONGER)
    keys = await plan_keys(plan_id)
    assert sorted(keys) == [f"{plan_id}:{in_days(days).isoformat()}" for days in (3, 10, 17, 24)]


async def test_rerun_adds_nothing(client, owner: Caller, technician: Caller, pool):
    plan_id = await create_plan(client, owner, technician, pool)
    await plans_service.extend_horizon(horizon_days=LONGER)
    await plans_service.extend_horizon(horizon_days=LONGER)
    assert sum((await plan_keys(plan_id)).values()) == 4


async def test_two_jobs_at_once_make_no_duplicate(
    client, owner: Caller, technician: Caller, pool, store_latency
):
    plan_id = await create_plan(client, owner, technician, pool)
    # Straight at the work, without the job lease: the schedule lease and the index still hold.
    await asyncio.gather(
        plans_service.extend_horizon(horizon_days=LONGER),
        plans_service.extend_horizon(horizon_days=LONGER),
    )
    keys = await plan_keys(plan_id)
    assert (len(keys), max(keys.values())) == (4, 1)


async def test_two_instances_one_runs(
    client, owner: Caller, technician: Caller, pool, settings, store_latency
):
    plan_id = await create_plan(client, owner, technician, pool)
    longer = settings.model_copy(update={"schedule_horizon_days": LONGER})
    ran = await asyncio.gather(
        plans_service.run_horizon_job(settings=longer, holder="instance-a"),
        plans_service.run_horizon_job(settings=longer, holder="instance-b"),
    )
    assert sorted(ran) == [False, True]
    keys = await plan_keys(plan_id)
    assert (len(keys), max(keys.values())) == (4, 1)
    lease = await JobLease.get(plans_service.HORIZON_JOB)
    assert lease is not None  # released (expired now), so the next tick of either may run


async def test_overlap_goes_to_skipped_dates(client, owner: Caller, technician: Caller, pool):
    plan_id = await create_plan(client, owner, technician, pool)
    start = local_to_utc(in_days(17), time(9, 30), MADRID)
    await make_visit(
        pool, technician.user, scheduled_start=start, scheduled_end=start + timedelta(hours=1)
    )
    await plans_service.extend_horizon(horizon_days=LONGER)
    keys = await plan_keys(plan_id)
    assert sorted(keys) == [f"{plan_id}:{in_days(days).isoformat()}" for days in (3, 10, 24)]
    plan = await ServicePlan.get(plan_id)
    assert plan.skipped_dates == [in_days(17)]
    response = await client.get(f"/service-plans/{plan_id}", headers=owner.headers)
    assert response.json()["skippedDates"] == [in_days(17).isoformat()]


async def test_a_held_date_is_not_generated_again(client, owner: Caller, technician: Caller, pool):
    plan_id = await create_plan(client, owner, technician, pool)
    first = await Visit.find_one({"service_plan_id": plan_id})
    moved = first.scheduled_start + timedelta(days=1)
    await first.set(
        {
            "status": VisitStatus.CANCELLED,
            "scheduled_start": moved,
            "scheduled_end": moved + timedelta(hours=1),
        }
    )
    await plans_service.extend_horizon(horizon_days=LONGER)
    assert sum((await plan_keys(plan_id)).values()) == 4


async def test_inactive_plans_are_left_alone(client, owner: Caller, technician: Caller, pool):
    plan_id = await create_plan(client, owner, technician, pool)
    await client.patch(f"/service-plans/{plan_id}", json={"active": False}, headers=owner.headers)
    await plans_service.extend_horizon(horizon_days=LONGER)
    assert await plan_keys(plan_id) == Counter()


async def test_the_job_is_registered(settings):
    from app.main import background_jobs

    jobs = background_jobs(settings)
    assert [job.name for job in jobs] == [plans_service.HORIZON_JOB]
    assert jobs[0].interval_seconds == settings.scheduler_interval_seconds


async def test_the_index_refuses_a_second_occurrence_only(
    client, owner: Caller, technician: Caller, pool
):
    plan_id = await create_plan(client, owner, technician, pool)
    existing = await Visit.find_one({"service_plan_id": plan_id})
    copy = Visit(
        pool_id=pool.id,
        technician_id=technician.user.id,
        service_plan_id=plan_id,
        occurrence_key=existing.occurrence_key,
    )
    with pytest.raises(DuplicateKeyError):
        await copy.insert()
    # Visits outside any plan never collide in it.
    await Visit(pool_id=pool.id, technician_id=technician.user.id).insert()
    await Visit(pool_id=pool.id, technician_id=technician.user.id).insert()
