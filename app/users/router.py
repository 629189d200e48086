"""User endpoints: admin management, the caller's own account, and profile reads."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import AdminUser, CurrentPrincipal, CurrentUser
from app.core.dependencies import SettingsDep, StorageDep
from app.core.errors import problem_responses
from app.core.pagination import Pagination, paginate
from app.core.schemas import Detail, Page
from app.users import service
from app.users.dependencies import EditableUser, VisibleUser
from app.users.models import Role, UserStatus
from app.users.schemas import PasswordChange, UserCreate, UserDeleted, UserOut, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=Page[UserOut], responses=problem_responses(401, 403, 422))
async def list_users(
    _: AdminUser,
    page: Pagination,
    role: Role | None = None,
    status: UserStatus | None = Query(
        default=None, description="Deleted users are listed only with `status=deleted`."
    ),
    q: Annotated[str | None, Query(max_length=100, description="Name or email contains.")] = None,
) -> Page[UserOut]:
    """List users (admin)."""
    return await paginate(service.list_(role=role, status=status, q=q), page, UserOut)


@router.post(
    "",
    status_code=201,
    response_model=UserOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_user(data: UserCreate, actor: AdminUser, settings: SettingsDep) -> UserOut:
    """Create a user of any role (admin); no tokens are issued."""
    user = await service.create(data=data, settings=settings, actor=actor)
    return UserOut.model_validate(user)


@router.get("/me", response_model=UserOut, responses=problem_responses(401))
async def read_me(user: CurrentUser) -> UserOut:
    """The authenticated caller."""
    return UserOut.model_validate(user)


@router.post(
    "/me/change-password", response_model=Detail, responses=problem_responses(400, 401, 422, 429)
)
async def change_password(
    data: PasswordChange, principal: CurrentPrincipal, settings: SettingsDep
) -> Detail:
    """Change the caller's password; every other session of theirs is ended."""
    await service.change_password(
        user=principal.user,
        current_password=data.current_password,
        new_password=data.new_password,
        session_id=principal.session_id,
        settings=settings,
    )
    return Detail(detail="Password changed")


@router.get("/{userId}", response_model=UserOut, responses=problem_responses(401, 404, 422))
async def read_user(user: VisibleUser) -> UserOut:
    """A user the caller may see (admin, self, or someone sharing a pool)."""
    return UserOut.model_validate(user)


@router.patch(
    "/{userId}", response_model=UserOut, responses=problem_responses(401, 403, 404, 409, 422)
)
async def update_user(user: EditableUser, data: UserUpdate, actor: CurrentUser) -> UserOut:
    """Change a user (admin, self); role and status are admin-only."""
    return UserOut.model_validate(await service.update(user=user, data=data, actor=actor))


@router.delete(
    "/{userId}", response_model=UserDeleted, responses=problem_responses(401, 403, 404, 409, 422)
)
async def delete_user(user: EditableUser, actor: CurrentUser, storage: StorageDep) -> UserDeleted:
    """Soft-delete a user (admin, self): status `deleted` and every session ended."""
    deleted = await service.delete(user=user, actor=actor, storage=storage)
    assert deleted.deleted_at is not None
    return UserDeleted(id=deleted.id, deleted=True, deleted_at=deleted.deleted_at)
