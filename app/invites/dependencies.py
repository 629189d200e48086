"""Load-and-check dependencies for invite routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.invites import service
from app.invites.models import Invite

InviteIdPath = Annotated[PydanticObjectId, Path(alias="inviteId", description="An invite id.")]


async def visible_invite(invite_id: InviteIdPath, viewer: CurrentUser) -> Invite:
    """The invite, if the caller is an admin, the pool's owner or the invited technician."""
    return await service.get_visible(invite_id=invite_id, viewer=viewer)


async def managed_invite(
    viewer: CurrentUser, invite: Annotated[Invite, Depends(visible_invite)]
) -> Invite:
    """The invite, if the caller is an admin or the pool's owner (403 for the technician)."""
    service.ensure_manage(invite=invite, viewer=viewer)
    return invite


async def answerable_invite(
    viewer: CurrentUser, invite: Annotated[Invite, Depends(visible_invite)]
) -> Invite:
    """The invite, if the caller is the invited technician or an admin (403 for the owner)."""
    service.ensure_answerable(invite=invite, viewer=viewer)
    return invite


VisibleInvite = Annotated[Invite, Depends(visible_invite)]
ManagedInvite = Annotated[Invite, Depends(managed_invite)]
AnswerableInvite = Annotated[Invite, Depends(answerable_invite)]
