"""Dependencies every domain shares: the settings of the running app."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (overridable per app in tests)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
