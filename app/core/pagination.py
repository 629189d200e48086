"""The one pagination dependency and the helper that turns a query into a page.

Kept by hand rather than `fastapi-pagination`: our envelope is four fields, the page and its count
come from one round trip on MongoDB (a `$facet`), and pages need a batch presenter (a message page
loads its photos in one query), none of which the library's Beanie integration does.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from beanie.odm.queries.find import FindMany
from fastapi import Depends, Query

from app.core.db import is_embedded
from app.core.schemas import Page

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
# Beyond this a skip is pointless and, near 2**63, an error on a real MongoDB.
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class PageParams:
    limit: int = DEFAULT_LIMIT
    offset: int = 0


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageParams:
    """Read `limit` (1..100, default 50) and `offset` (0..1,000,000) from the query string."""
    return PageParams(limit=limit, offset=offset)


Pagination = Annotated[PageParams, Depends(page_params)]


def single_round_trip_pages(collection: Any) -> bool:
    """Whether a page and its count come back together, in one `$facet` aggregation.

    On MongoDB they do. The embedded store runs an aggregation by copying the whole collection
    first (ten times slower than a find plus a count at 10,000 visits) and its round trips cost
    nothing, so there a page is a find and a count.
    """
    return not is_embedded(collection)


async def paginate_presented(
    query: FindMany[Any],
    params: PageParams,
    present: Callable[[list[Any]], Awaitable[list[T]]],
) -> Page[T]:
    """Run a sorted Beanie query for one page, count the whole match, present the page at once.

    On MongoDB the page and the count come from one round trip: an aggregation that matches and
    sorts (both on the query's index) and then splits into the page and the count (`$facet`).
    For items whose presentation needs more data (a message's photos): `present` gets the whole
    page, so it can fetch that data in one query rather than one per item.
    """
    collection = query.document_model.get_motor_collection()
    if not single_round_trip_pages(collection):
        total = await query.count()
        documents = await query.skip(params.offset).limit(params.limit).to_list()
        return Page[T](
            items=await present(documents), total=total, limit=params.limit, offset=params.offset
        )
    pipeline: list[dict[str, Any]] = [{"$match": query.get_filter_query()}]
    if query.sort_expressions:
        pipeline.append({"$sort": dict(query.sort_expressions)})
    pipeline.append(
        {
            "$facet": {
                "items": [{"$skip": params.offset}, {"$limit": params.limit}],
                "total": [{"$count": "count"}],
            }
        }
    )
    [result] = await collection.aggregate(pipeline).to_list(length=1)
    model = query.projection_model
    documents = [model.model_validate(raw) for raw in result["items"]]
    # `$count` yields no row at all for an empty match on MongoDB.
    total = result["total"][0]["count"] if result["total"] else 0
    return Page[T](
        items=await present(documents),
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


async def paginate(
    query: FindMany[Any], params: PageParams, to_item: Callable[[Any], T]
) -> Page[T]:
    """Run a sorted Beanie query for one page and count the whole match."""

    async def present(documents: list[Any]) -> list[T]:
        return [to_item(document) for document in documents]

    return await paginate_presented(query, params, present)
