"""Who is calling: `CurrentPrincipal`, `CurrentUser`, and role gates."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from app.auth import service
from app.auth.exceptions import Unauthorized
from app.core.dependencies import SettingsDep
from app.core.errors import Forbidden
from app.users.models import Role, User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def current_principal(
    settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> service.Principal:
    """The caller behind the bearer token, or 401."""
    if not token:
        raise Unauthorized
    return await service.authenticate(token=token, settings=settings)


CurrentPrincipal = Annotated[service.Principal, Depends(current_principal)]


async def current_user(principal: CurrentPrincipal) -> User:
    """The authenticated, active user."""
    return principal.user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[..., Awaitable[User]]:
    """A dependency that lets only the given roles through (403 for the others)."""

    async def dependency(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden
        return user

    return dependency


AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]
