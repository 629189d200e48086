"""Invite request and response bodies."""

from datetime import datetime
from typing import Annotated, Literal

from beanie import PydanticObjectId
from pydantic import StringConstraints

from app.core.schemas import ApiInput, ApiOutput, PartialUpdate, UtcDatetime
from app.invites.models import Invite, InviteStatus
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


class InviteOut(ApiOutput):
    id: PydanticObjectId
    pool_id: PydanticObjectId
    owner_id: PydanticObjectId
    technician_id: PydanticObjectId | None
    technician_email: str
    status: InviteStatus
    message: str | None
    created_at: UtcDatetime
    responded_at: UtcDatetime | None
    expires_at: UtcDatetime

    @classmethod
    def at(cls, invite: Invite, now: datetime) -> "InviteOut":
        """The invite as read at `now` (a lapsed pending invite reads as expired)."""
        out = cls.model_validate(invite)
        out.status = invite.effective_status(now)
        return out
