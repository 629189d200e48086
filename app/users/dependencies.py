"""Load-and-check dependencies for user-scoped routes."""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path

from app.auth.dependencies import CurrentUser
from app.users import service
from app.users.models import User

UserIdPath = Annotated[PydanticObjectId, Path(alias="userId", description="A user id.")]


async def visible_user(user_id: UserIdPath, viewer: CurrentUser) -> User:
    """The user in the path, if the caller may see them (else 404)."""
    return await service.get_visible(user_id=user_id, viewer=viewer)


async def editable_user(user_id: UserIdPath, viewer: CurrentUser) -> User:
    """The user in the path, if the caller is an admin or that user (404 unseen, 403 seen)."""
    return await service.get_editable(user_id=user_id, viewer=viewer)


VisibleUser = Annotated[User, Depends(visible_user)]
EditableUser = Annotated[User, Depends(editable_user)]
