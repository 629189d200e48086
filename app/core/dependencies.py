"""Dependencies every domain shares: the settings and the blob storage of the running app."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings
from app.core.storage import BlobStorage


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (overridable per app in tests)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_storage(request: Request) -> BlobStorage:
    """The blob storage the lifespan started."""
    return request.app.state.storage


StorageDep = Annotated[BlobStorage, Depends(get_storage)]
