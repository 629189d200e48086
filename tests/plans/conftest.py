"""Service-plan fixtures: a 14-day horizon, a Madrid pool, and plan bodies on known dates."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.config import Settings
from app.pools.models import Pool
from app.users.models import utcnow
from tests.conftest import Caller
from tests.factories import make_pool

HORIZON_DAYS = 14
MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A short horizon, and no background tick racing the tests (they run the job themselves)."""
    return settings.model_copy(
        update={"schedule_horizon_days": HORIZON_DAYS, "background_jobs_enabled": False}
    )


@pytest.fixture
async def pool(owner: Caller, technician: Caller) -> Pool:
    """A Madrid pool of `owner` with `technician` assigned."""
    return await make_pool(owner.user, technicians=[technician.user], timezone="Europe/Madrid")


def local_today(zone: ZoneInfo = MADRID) -> date:
    return utcnow().astimezone(zone).date()


def in_days(days: int, zone: ZoneInfo = MADRID) -> date:
    """A local date `days` after today."""
    return local_today(zone) + timedelta(days=days)


def plan_body(technician: Caller, **fields: object) -> dict[str, object]:
    """A weekly 09:00 plan on the weekday three days from now: occurrences on +3 and +10 days."""
    body: dict[str, object] = {
        "technicianId": str(technician.user.id),
        "weekday": in_days(3).isoweekday(),
        "startTime": "09:00",
        "durationMinutes": 60,
        "startsOn": local_today().isoformat(),
        "checklist": ["skim", "brush walls"],
        "priceCents": 4500,
    }
    body.update(fields)
    return body


def local_start(visit: dict, zone: ZoneInfo = MADRID) -> datetime:
    return datetime.fromisoformat(visit["scheduledStart"].replace("Z", "+00:00")).astimezone(zone)
