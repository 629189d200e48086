"""Pages are read as stored rows and validated straight into the response schema."""

import pytest
from beanie import PydanticObjectId
from fastapi import FastAPI

from app.alerts.models import Alert
from app.alerts.schemas import AlertOut
from app.core import pagination
from app.core.pagination import PageParams, paginate
from app.core.rows import rows
from app.pools.models import Pool
from app.pools.schemas import PoolOut
from app.users.models import utcnow


async def _pools(count: int) -> list[PydanticObjectId]:
    owner_id = PydanticObjectId()
    pools = [Pool(name=f"Pool {n:02}", owner_id=owner_id) for n in range(count)]
    await Pool.insert_many(pools)
    return [pool.id for pool in await Pool.find({"owner_id": owner_id}).sort("name").to_list()]


class TestRows:
    async def test_rows_carry_the_id_by_name_in_the_query_order(self, app: FastAPI) -> None:
        ids = await _pools(3)
        found = await rows(Pool.find({"_id": {"$in": ids}}).sort("-name"))
        assert [row["id"] for row in found] == ids[::-1]
        assert all("_id" not in row for row in found)

    async def test_fields_narrow_what_is_read(self, app: FastAPI) -> None:
        await _pools(1)
        [row] = await rows(Pool.find_all(), fields=("name",))
        assert set(row) == {"id", "name"}

    async def test_a_stored_document_lacking_optional_fields_reads_with_their_defaults(
        self, app: FastAPI
    ) -> None:
        # Alerts are stored without their null fields (`keep_nulls = False`): an open alert has
        # no `acknowledged_at`, and its row must still validate into the response schema.
        now = utcnow()
        pool_id = PydanticObjectId()
        await Alert.get_motor_collection().insert_one(
            {
                "_id": PydanticObjectId(),
                "pool_id": pool_id,
                "open_pool_id": pool_id,
                "metric": "ph",
                "value": 8.4,
                "min": 7.2,
                "max": 7.8,
                "severity": "warning",
                "status": "active",
                "created_at": now,
            }
        )
        [row] = await rows(Alert.find({"pool_id": pool_id}))
        assert row["acknowledged_at"] is None
        assert AlertOut.model_validate(row).acknowledged_at is None


@pytest.mark.parametrize("facet", [False, True], ids=["find-and-count", "facet"])
class TestPaginate:
    async def test_a_page_and_the_count_of_the_whole_match(
        self, app: FastAPI, monkeypatch: pytest.MonkeyPatch, facet: bool
    ) -> None:
        monkeypatch.setattr(pagination, "single_round_trip_pages", lambda collection: facet)
        ids = await _pools(5)
        page = await paginate(
            Pool.find({"_id": {"$in": ids}}).sort("name"), PageParams(limit=2, offset=2), PoolOut
        )
        assert [item.id for item in page.items] == ids[2:4]
        assert all(isinstance(item, PoolOut) for item in page.items)
        assert (page.total, page.limit, page.offset) == (5, 2, 2)

    async def test_an_empty_match(
        self, app: FastAPI, monkeypatch: pytest.MonkeyPatch, facet: bool
    ) -> None:
        monkeypatch.setattr(pagination, "single_round_trip_pages", lambda collection: facet)
        page = await paginate(Pool.find({"name": "none"}).sort("name"), PageParams(), PoolOut)
        assert (page.items, page.total) == ([], 0)
