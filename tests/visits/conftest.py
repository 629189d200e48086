"""Visit fixtures and factories: a second technician on `pool`, and visits inserted directly."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.pools.models import Pool
from app.users.models import Role, User
from app.visits.models import Visit, VisitStatus
from tests.conftest import Caller
from tests.factories import auth_headers, make_user

# A fixed day in the future, so scheduled windows never depend on the clock.
DAY = datetime(2030, 1, 16, tzinfo=UTC)


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """A time on DAY (plus `days`), in UTC."""
    return DAY + timedelta(days=days, hours=hour, minutes=minute)


# A fixed day in the past, for times that record what already happened (`measuredAt`,
# `visitedAt`), which may not lie more than a day ahead.
PAST_DAY = datetime(2026, 1, 16, tzinfo=UTC)


def past(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """A time on PAST_DAY (plus `days`), in UTC."""
    return PAST_DAY + timedelta(days=days, hours=hour, minutes=minute)


def iso(moment: datetime) -> str:
    """The contract's spelling of a time: ISO 8601 with a `Z` suffix."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def add_technician(settings: Settings, pool: Pool) -> Caller:
    """A new technician, assigned to `pool`."""
    user = await make_user(settings, role=Role.TECHNICIAN)
    await pool.set({"technician_ids": [*pool.technician_ids, user.id]})
    return Caller(user=user, headers=await auth_headers(settings, user))


async def make_visit(
    pool: Pool,
    technician: User,
    *,
    status: VisitStatus = VisitStatus.SCHEDULED,
    **fields: object,
) -> Visit:
    """Insert a visit of `technician` to `pool` straight into the store."""
    visit = Visit(pool_id=pool.id, technician_id=technician.id, status=status, **fields)
    visit.refresh_occurs_at()
    await visit.insert()
    return visit


@pytest.fixture
async def colleague(app: FastAPI, settings: Settings, pool: Pool) -> Caller:
    """A second technician assigned to `pool`, next to `technician`."""
    return await add_technician(settings, pool)
