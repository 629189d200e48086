"""Invite endpoints: pool-scoped and admin creation, listings, and the technician's answer."""

from functools import partial
from typing import Annotated

from beanie import PydanticObjectId
from fastapi import APIRouter, Path, Query, Response

from app.auth.dependencies import AdminUser, CurrentUser
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate_presented
from app.core.schemas import Page
from app.invites import presenters, service
from app.invites.dependencies import AnswerableInvite, ManagedInvite, VisibleInvite
from app.invites.models import Invite, InviteStatus
from app.invites.schemas import InviteCreate, InviteOut, InviteUpdate, PoolInviteCreate
from app.pools.dependencies import ManagedPool
from app.users.models import utcnow

router = APIRouter(tags=["invites"])

TechnicianIdPath = Annotated[PydanticObjectId, Path(alias="technicianId")]
CREATE_PROBLEMS = problem_responses(400, 401, 403, 404, 409, 422)


async def _out(invite: Invite) -> InviteOut:
    return await presenters.invite_out(invite, utcnow())


@router.post(
    "/pools/{poolId}/invites", status_code=201, response_model=InviteOut, responses=CREATE_PROBLEMS
)
async def create_pool_invite(
    pool: ManagedPool,
    data: PoolInviteCreate,
    actor: CurrentUser,
    owner_id: Annotated[
        PydanticObjectId | None,
        Query(alias="ownerId", description="Kept from the original API: must be the pool's owner."),
    ] = None,
) -> InviteOut:
    """Invite a technician by email to the pool (pool manage)."""
    invite = await service.create_for_pool(pool=pool, data=data, owner_id=owner_id, actor=actor)
    return await _out(invite)


@router.post("/invites", status_code=201, response_model=InviteOut, responses=CREATE_PROBLEMS)
async def create_invite(data: InviteCreate, actor: AdminUser) -> InviteOut:
    """Invite a technician by id to any pool (admin)."""
    return await _out(await service.create(data=data, actor=actor))


@router.get("/invites", response_model=Page[InviteOut], responses=problem_responses(401, 422))
async def list_invites(
    viewer: CurrentUser,
    page: Pagination,
    status: InviteStatus | None = None,
    pool_id: Annotated[PydanticObjectId | None, Query(alias="poolId")] = None,
) -> Page[InviteOut]:
    """Invites the caller may see (admin all, owner their pools', technician their own)."""
    now = utcnow()
    query = service.list_(viewer=viewer, now=now, status=status, pool_id=pool_id)
    return await paginate_presented(query, page, partial(presenters.invite_page_out, now=now))


@router.get(
    "/invites/technicians/{technicianId}",
    response_model=Page[InviteOut],
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_technician_invites(
    technician_id: TechnicianIdPath,
    viewer: CurrentUser,
    page: Pagination,
    status: InviteStatus | None = None,
) -> Page[InviteOut]:
    """A technician's invites (admin, or that technician)."""
    now = utcnow()
    query = await service.list_for_technician(
        technician_id=technician_id, viewer=viewer, now=now, status=status
    )
    return await paginate_presented(query, page, partial(presenters.invite_page_out, now=now))


@router.get(
    "/invites/technicians/{technicianId}/pending",
    response_model=Page[InviteOut],
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_technician_pending_invites(
    technician_id: TechnicianIdPath, viewer: CurrentUser, page: Pagination
) -> Page[InviteOut]:
    """A technician's pending, unexpired invites (admin, or that technician)."""
    now = utcnow()
    query = await service.list_for_technician(
        technician_id=technician_id, viewer=viewer, now=now, status=InviteStatus.PENDING
    )
    return await paginate_presented(query, page, partial(presenters.invite_page_out, now=now))


@router.get(
    "/invites/{inviteId}", response_model=InviteOut, responses=problem_responses(401, 404, 422)
)
async def read_invite(invite: VisibleInvite) -> InviteOut:
    """One invite (admin, the pool's owner, the invited technician)."""
    return await _out(invite)


@router.patch(
    "/invites/{inviteId}",
    response_model=InviteOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_invite(invite: ManagedInvite, data: InviteUpdate, actor: CurrentUser) -> InviteOut:
    """Change the message, or cancel a pending invite (admin, the pool's owner)."""
    return await _out(await service.update(invite=invite, data=data, actor=actor))


@router.delete(
    "/invites/{inviteId}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_invite(invite: ManagedInvite, actor: CurrentUser) -> Response:
    """Delete an invite (admin, the pool's owner)."""
    await service.delete(invite=invite, actor=actor)
    return Response(status_code=204)


@router.post(
    "/invites/{inviteId}/accept",
    response_model=InviteOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def accept_invite(invite: AnswerableInvite, actor: CurrentUser) -> InviteOut:
    """Accept a pending invite: the technician joins the pool (the technician, admin)."""
    return await _out(await service.accept(invite=invite, actor=actor))


@router.post(
    "/invites/{inviteId}/decline",
    response_model=InviteOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def decline_invite(invite: AnswerableInvite, actor: CurrentUser) -> InviteOut:
    """Decline a pending invite (the technician, admin)."""
    return await _out(await service.decline(invite=invite, actor=actor))
