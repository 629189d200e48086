"""Auth endpoints: register, login (JSON and OAuth2 form), refresh, logout."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import password_reset, service
from app.auth.dependencies import CurrentPrincipal
from app.auth.schemas import (
    LoginIn,
    PasswordResetConfirmIn,
    PasswordResetRequestIn,
    RefreshIn,
    RegisterIn,
    TokenOut,
)
from app.core.dependencies import SettingsDep
from app.core.errors import problem_responses
from app.core.schemas import Detail

router = APIRouter(prefix="/auth", tags=["auth"])


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post(
    "/register",
    status_code=201,
    response_model=TokenOut,
    responses=problem_responses(409, 422, 429),
)
async def register(data: RegisterIn, request: Request, settings: SettingsDep) -> TokenOut:
    """Create an owner or technician account and return its tokens."""
    return await service.register(data=data, ip=_client_ip(request), settings=settings)


@router.post("/login", response_model=TokenOut, responses=problem_responses(401, 403, 422, 429))
async def login(data: LoginIn, request: Request, settings: SettingsDep) -> TokenOut:
    """Log in with email and password."""
    return await service.login(
        email=data.email, password=data.password, ip=_client_ip(request), settings=settings
    )


@router.post("/token", response_model=TokenOut, responses=problem_responses(401, 403, 422, 429))
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, settings: SettingsDep
) -> TokenOut:
    """OAuth2 password grant (`username` is the email), for Swagger UI and integrators."""
    return await service.login(
        email=form.username, password=form.password, ip=_client_ip(request), settings=settings
    )


@router.post("/refresh", response_model=TokenOut, responses=problem_responses(401, 422))
async def refresh(data: RefreshIn, settings: SettingsDep) -> TokenOut:
    """Exchange a refresh token for new tokens (the old refresh token stops working)."""
    return await service.refresh(refresh_token=data.refresh_token, settings=settings)


@router.post("/logout", response_model=Detail, responses=problem_responses(401))
async def logout(principal: CurrentPrincipal) -> Detail:
    """End the current session: its access and refresh tokens stop working at once."""
    await service.logout(principal=principal)
    return Detail(detail="Logged out")


@router.post(
    "/password-reset/request",
    status_code=202,
    response_model=Detail,
    responses=problem_responses(422),
)
async def request_password_reset(
    data: PasswordResetRequestIn, request: Request, settings: SettingsDep
) -> Detail:
    """Email a password-reset link; the answer is the same whether or not the address is known."""
    await password_reset.request_reset(email=data.email, ip=_client_ip(request), settings=settings)
    return Detail(
        detail="If an account uses this address, a link to reset its password is on its way."
    )


@router.post(
    "/password-reset/confirm",
    status_code=204,
    response_class=Response,
    responses=problem_responses(400, 422),
)
async def confirm_password_reset(data: PasswordResetConfirmIn, settings: SettingsDep) -> Response:
    """Set a new password with a reset token (once); every session of the user ends."""
    await password_reset.confirm_reset(
        token=data.token, new_password=data.new_password, settings=settings
    )
    return Response(status_code=204)
