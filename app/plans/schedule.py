"""Schedule expansion: the dates and UTC windows of a recurring plan. Pure: no I/O, no framework.

A plan recurs on one ISO weekday every `interval_weeks` weeks from the first such weekday on or
after `starts_on`, at a local wall-clock time in the pool's time zone. Wall-clock times that the
zone skips (spring forward) move forward by the gap; times it repeats (fall back) take their
first instance.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Recurrence:
    weekday: int  # ISO: Monday 1 .. Sunday 7
    interval_weeks: int
    start_time: time
    duration_minutes: int
    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True)
class Occurrence:
    occurrence_date: date  # the local date it belongs to
    start: datetime  # UTC
    end: datetime  # UTC


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; gaps move forward, repeats take the first."""
    # fold=0 gives the first instance of a repeated time and, for a skipped one, the offset in
    # force before the gap: converted to UTC that is the wall time shifted forward by the gap.
    local = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC)


def first_date(recurrence: Recurrence) -> date:
    """The first occurrence date: the plan's weekday on or after `starts_on`."""
    ahead = (recurrence.weekday - recurrence.starts_on.isoweekday()) % 7
    return recurrence.starts_on + timedelta(days=ahead)


def dates_between(recurrence: Recurrence, first: date, last: date) -> Iterator[date]:
    """The occurrence dates within [first, last] (both inclusive, and within the plan's dates)."""
    step = timedelta(weeks=recurrence.interval_weeks)
    origin = first_date(recurrence)
    last = min(last, recurrence.ends_on) if recurrence.ends_on else last
    if first > origin:
        # Jump to the first occurrence on or after `first` without walking the weeks before it.
        steps = -(-(first - origin).days // step.days)
        origin += step * steps
    current = origin
    while current <= last:
        yield current
        current += step


def occurrences(
    recurrence: Recurrence, zone: ZoneInfo, *, now: datetime, horizon_days: int
) -> list[Occurrence]:
    """Occurrences that start after `now`, up to `horizon_days` after today's local date."""
    today = now.astimezone(zone).date()
    duration = timedelta(minutes=recurrence.duration_minutes)
    found = []
    # From yesterday: a date before today's local date cannot start after now in any zone.
    last = today + timedelta(days=horizon_days)
    for day in dates_between(recurrence, today - timedelta(days=1), last):
        start = local_to_utc(day, recurrence.start_time, zone)
        if start > now:
            found.append(Occurrence(occurrence_date=day, start=start, end=start + duration))
    return found
