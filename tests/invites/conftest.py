"""Invite fixtures: a technician invited to `pool` (neither `technician` nor `other_technician`)."""

import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.invites.models import Invite
from app.pools.models import Pool
from app.users.models import Role
from tests.conftest import Caller
from tests.factories import auth_headers, make_invite, make_user


@pytest.fixture
async def invitee(app: FastAPI, settings: Settings) -> Caller:
    """A technician, not assigned to `pool`, whom `invite` invites."""
    user = await make_user(settings, role=Role.TECHNICIAN)
    return Caller(user=user, headers=await auth_headers(settings, user))


@pytest.fixture
async def invite(pool: Pool, invitee: Caller) -> Invite:
    """A pending invite of `invitee` to `pool`."""
    return await make_invite(pool, invitee.user)
