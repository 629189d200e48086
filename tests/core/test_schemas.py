"""The shared field types: times in UTC at milliseconds, ids in responses."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from beanie import PydanticObjectId
from bson import ObjectId
from bson.tz_util import utc as stored_utc
from pydantic import ValidationError

from app.core.schemas import ApiOutput, ObjectIdOut, UtcDatetime


class Stamped(ApiOutput):
    at: UtcDatetime


class Identified(ApiOutput):
    id: ObjectIdOut


class TestUtcDatetime:
    def test_a_naive_time_reads_as_utc(self) -> None:
        assert Stamped(at=datetime(2026, 12, 2, 9, 30)).at == datetime(
            2026, 12, 2, 9, 30, tzinfo=UTC
        )

    def test_an_offset_is_normalised_to_utc(self) -> None:
        paris = timezone(timedelta(hours=1))
        at = Stamped(at=datetime(2026, 12, 2, 10, 30, tzinfo=paris)).at
        assert (at, at.tzinfo) == (datetime(2026, 12, 2, 9, 30, tzinfo=UTC), UTC)

    def test_microseconds_are_cut_to_milliseconds(self) -> None:
        at = Stamped(at=datetime(2026, 12, 2, 9, 30, 0, 123456, tzinfo=UTC)).at
        assert at.microsecond == 123000

    def test_a_time_read_back_from_the_store_is_answered_as_it_is(self) -> None:
        stored = datetime(2026, 12, 2, 9, 30, 0, 123000, tzinfo=stored_utc)
        stamped = Stamped(at=stored)
        assert stamped.at is stored
        assert stamped.model_dump_json() == '{"at":"2026-12-02T09:30:00.123000Z"}'

    @pytest.mark.parametrize("year", [1969, 2100])
    def test_times_outside_1970_to_2100_are_refused(self, year: int) -> None:
        with pytest.raises(ValidationError):
            Stamped(at=datetime(year, 6, 1, tzinfo=UTC))


class TestObjectIdOut:
    def test_an_id_is_kept_as_it_is(self) -> None:
        stored = ObjectId()
        assert Identified(id=stored).id is stored

    def test_a_string_is_read_as_an_id(self) -> None:
        text = str(ObjectId())
        identified = Identified.model_validate({"id": text})
        assert isinstance(identified.id, PydanticObjectId)
        assert identified.model_dump_json() == f'{{"id":"{text}"}}'

    def test_anything_else_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            Identified.model_validate({"id": "not-an-id"})
