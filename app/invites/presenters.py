"""Turning invites into responses, with their pool and owner summaries fetched once per page."""

from datetime import datetime

from app.core.rows import Row
from app.invites.models import Invite
from app.invites.schemas import InviteOut
from app.pools import service as pools_service
from app.users import service as users_service


async def invites_out(invites: list[Invite], now: datetime) -> list[InviteOut]:
    """Invites as read at `now`: one pool query and one user query for the whole list."""
    if not invites:
        return []
    pools = await pools_service.get_many(pool_ids=(invite.pool_id for invite in invites))
    owners = await users_service.get_many(user_ids=(invite.owner_id for invite in invites))
    return [
        InviteOut.at(invite, now, pool=pools.get(invite.pool_id), owner=owners.get(invite.owner_id))
        for invite in invites
    ]


async def invite_page_out(found: list[Row], now: datetime) -> list[InviteOut]:
    """A page of stored invites as read at `now`."""
    return await invites_out([Invite.model_validate(row) for row in found], now)


async def invite_out(invite: Invite, now: datetime) -> InviteOut:
    """One invite with its summaries."""
    return (await invites_out([invite], now))[0]
