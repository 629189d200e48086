"""The one pagination dependency and the helper that turns a query into a page.

Kept by hand rather than `fastapi-pagination`: our envelope is four fields, the page and its count
come from one round trip on MongoDB (a `$facet`), and pages need a batch presenter (a message page
loads its photos in one query), none of which the library's Beanie integration does. A page is
read as rows (`app/core/rows.py`) and validated straight into its response schema.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from beanie.odm.queries.find import FindMany
from fastapi import Depends, Query

from app.core.db import is_embedded
from app.core.rows import Row, as_row, fetch
from app.core.schemas import ApiOutput, Page

T = TypeVar("T")
S = TypeVar("S", bound=ApiOutput)

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


async def _page_rows(query: FindMany[Any], params: PageParams) -> tuple[list[Row], int]:
    """One page of a sorted query as rows, and the number of documents it matches.

    On MongoDB the page and the count come from one round trip: an aggregation that matches and
    sorts (both on the query's index) and then splits into the page and the count (`$facet`).
    """
    collection = query.document_model.get_motor_collection()
    # Encoded once: Beanie's encoder walks the whole filter (an agenda's `$in` of pool ids).
    filter = query.get_filter_query()
    if not single_round_trip_pages(collection):
        total = await collection.count_documents(filter)
        return await fetch(query.skip(params.offset).limit(params.limit), filter), total
    pipeline: list[dict[str, Any]] = [{"$match": filter}]
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
    # `$count` yields no row at all for an empty match on MongoDB.
    total = result["total"][0]["count"] if result["total"] else 0
    model = query.document_model
    return [as_row(raw, model) for raw in result["items"]], total


async def paginate_presented(
    query: FindMany[Any],
    params: PageParams,
    present: Callable[[list[Row]], Awaitable[list[T]]],
) -> Page[T]:
    """One page of a sorted query, its rows presented at once, and the count of the whole match.

    For items whose presentation needs more data (a message's photos, an agenda item's pool):
    `present` gets the whole page, so it can fetch that data in one query rather than one per item.
    """
    found, total = await _page_rows(query, params)
    return Page[T](
        items=await present(found), total=total, limit=params.limit, offset=params.offset
    )


async def paginate(query: FindMany[Any], params: PageParams, schema: type[S]) -> Page[S]:
    """One page of a sorted query, each row validated straight into the response schema."""
    found, total = await _page_rows(query, params)
    items = [schema.model_validate(row) for row in found]
    return Page[S](items=items, total=total, limit=params.limit, offset=params.offset)


async def paginate_documents(
    query: FindMany[Any], params: PageParams, to_item: Callable[[Any], T]
) -> Page[T]:
    """One page of a sorted query whose items are built from documents (their methods, rules)."""
    model = query.document_model

    async def present(found: list[Row]) -> list[T]:
        return [to_item(model.model_validate(row)) for row in found]

    return await paginate_presented(query, params, present)
