"""The pure schedule module: local times in a zone across DST, and the recurrence dates."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.plans.schedule import Recurrence, dates_between, first_date, local_to_utc, occurrences

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone, day, local, expected",
    [
        # Madrid: CET (+01) in winter, CEST (+02) in summer.
        (MADRID, date(2026, 1, 14), time(9), utc(2026, 1, 14, 8)),
        (MADRID, date(2026, 7, 15), time(9), utc(2026, 7, 15, 7)),
        # The day before and the day of the spring change (29 March 2026, 02:00 -> 03:00).
        (MADRID, date(2026, 3, 28), time(9), utc(2026, 3, 28, 8)),
        (MADRID, date(2026, 3, 29), time(9), utc(2026, 3, 29, 7)),
        # 02:30 does not exist that day: it moves forward by the gap, to 03:30 CEST.
        (MADRID, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),
        # 02:30 happens twice on 25 October 2026: the first instance is still CEST.
        (MADRID, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        (MADRID, date(2026, 10, 25), time(9), utc(2026, 10, 25, 8)),
        # New York: EST (-05) in winter, EDT (-04) in summer.
        (NEW_YORK, date(2026, 1, 14), time(9), utc(2026, 1, 14, 14)),
        (NEW_YORK, date(2026, 7, 15), time(9), utc(2026, 7, 15, 13)),
        (NEW_YORK, date(2026, 3, 7), time(9), utc(2026, 3, 7, 14)),
        (NEW_YORK, date(2026, 3, 8), time(9), utc(2026, 3, 8, 13)),
        # 8 March 2026, 02:00 -> 03:00: 02:30 becomes 03:30 EDT.
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
        # 1 November 2026, 02:00 -> 01:00: 01:30 first happens in EDT.
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, date(2026, 11, 1), time(9), utc(2026, 11, 1, 14)),
        (ZoneInfo("UTC"), date(2026, 7, 15), time(9), utc(2026, 7, 15, 9)),
    ],
)
def test_local_to_utc(zone, day, local, expected):
    assert local_to_utc(day, local, zone) == expected


def plan(**fields) -> Recurrence:
    values = {
        "weekday": 3,  # Wednesday
        "interval_weeks": 1,
        "start_time": time(9),
        "duration_minutes": 60,
        "starts_on": date(2026, 1, 1),  # a Thursday
    }
    return Recurrence(**{**values, **fields})


@pytest.mark.parametrize(
    "starts_on, weekday, expected",
    [
        (date(2026, 1, 1), 3, date(2026, 1, 7)),  # Thursday -> next Wednesday
        (date(2026, 1, 7), 3, date(2026, 1, 7)),  # on the weekday itself
        (date(2026, 1, 1), 4, date(2026, 1, 1)),
        (date(2026, 1, 4), 1, date(2026, 1, 5)),  # Sunday -> Monday
        (date(2026, 1, 5), 7, date(2026, 1, 11)),  # Monday -> Sunday
    ],
)
def test_first_date(starts_on, weekday, expected):
    assert first_date(plan(starts_on=starts_on, weekday=weekday)) == expected


def test_every_other_week_keeps_its_phase():
    recurrence = plan(interval_weeks=2)
    found = list(dates_between(recurrence, date(2026, 1, 8), date(2026, 2, 28)))
    assert found == [date(2026, 1, 21), date(2026, 2, 4), date(2026, 2, 18)]


def test_ends_on_is_inclusive():
    recurrence = plan(ends_on=date(2026, 1, 21))
    found = list(dates_between(recurrence, date(2026, 1, 1), date(2026, 3, 1)))
    assert found == [date(2026, 1, 7), date(2026, 1, 14), date(2026, 1, 21)]


def test_nothing_before_starts_on():
    recurrence = plan(starts_on=date(2026, 6, 1))
    assert list(dates_between(recurrence, date(2026, 1, 1), date(2026, 5, 31))) == []


class TestOccurrences:
    def test_windows_follow_the_zone_across_dst(self):
        now = utc(2026, 3, 20, 12)
        found = occurrences(plan(), MADRID, now=now, horizon_days=14)
        assert [(o.occurrence_date, o.start, o.end) for o in found] == [
            (date(2026, 3, 25), utc(2026, 3, 25, 8), utc(2026, 3, 25, 9)),
            (date(2026, 4, 1), utc(2026, 4, 1, 7), utc(2026, 4, 1, 8)),
        ]

    def test_only_after_now(self):
        now = utc(2026, 1, 7, 8, 30)  # 09:30 in Madrid: today's 09:00 has passed
        found = occurrences(plan(), MADRID, now=now, horizon_days=7)
        assert [o.occurrence_date for o in found] == [date(2026, 1, 14)]

    def test_today_later_is_included(self):
        now = utc(2026, 1, 7, 7, 30)
        found = occurrences(plan(), MADRID, now=now, horizon_days=0)
        assert [o.occurrence_date for o in found] == [date(2026, 1, 7)]

    def test_horizon_is_counted_from_the_local_date(self):
        # 23:30 UTC on Tuesday the 6th is already Wednesday the 7th in Madrid.
        now = utc(2026, 1, 6, 23, 30)
        found = occurrences(plan(), MADRID, now=now, horizon_days=7)
        assert [o.occurrence_date for o in found] == [date(2026, 1, 7), date(2026, 1, 14)]
