"""Invite request and response bodies."""

from datetime import datetime
from typing import Annotated, Literal

from beanie import PydanticObjectId
from pydantic import StringConstraints

from app.core.schemas import ApiInput, ApiOutput, ObjectIdOut, PartialUpdate, UtcDatetime
from app.invites.models import Invite, InviteStatus
from app.pools.models import Pool
from app.users.models import User, UserStatus
from app.users.schemas import Email

InviteMessage = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class PoolInviteCreate(ApiInput):
    technician_email: Email
    message: InviteMessage | None = None


class InviteCreate(ApiInput):
    pool_id: PydanticObjectId
    technician_id: PydanticObjectId
    message: InviteMessage | None = None


class InviteUpdate(PartialUpdate):
    nullable_fields = frozenset({"message"})

    message: InviteMessage | None = None
    status: Literal[InviteStatus.CANCELLED] | None = None


class InvitePool(ApiOutput):
    """The pool an invite offers, so the invited technician can decide before accepting."""

    id: ObjectIdOut
    name: str
    address: str | None


class InviteOwner(ApiOutput):
    """The owner who invites; a deleted one carries only its id and `deleted: true`."""

    id: ObjectIdOut
    name: str | None
    last_name: str | None
    deleted: bool

    @classmethod
    def of(cls, owner_id: PydanticObjectId, owner: User | None) -> "InviteOwner":
        """The summary of `owner` (None when the user document is gone)."""
        if owner is None or owner.status is UserStatus.DELETED:
            return cls(id=owner_id, name=None, last_name=None, deleted=True)
        return cls(id=owner.id, name=owner.name, last_name=owner.last_name, deleted=False)


class InviteOut(ApiOutput):
    id: ObjectIdOut
    pool_id: ObjectIdOut
    owner_id: ObjectIdOut
    technician_id: ObjectIdOut | None
    technician_email: str
    status: InviteStatus
    message: str | None
    created_at: UtcDatetime
    responded_at: UtcDatetime | None
    expires_at: UtcDatetime
    # Null only if the pool vanished between reading the invite and reading the pool.
    pool: InvitePool | None
    owner: InviteOwner

    @classmethod
    def at(
        cls, invite: Invite, now: datetime, *, pool: Pool | None, owner: User | None
    ) -> "InviteOut":
        """The invite as read at `now` (a lapsed pending invite reads as expired)."""
        return cls.model_validate(
            {
                **invite.model_dump(),
                "status": invite.effective_status(now),
                "pool": InvitePool.model_validate(pool) if pool is not None else None,
                "owner": InviteOwner.of(invite.owner_id, owner),
            }
        )
