"""Dependencies every domain shares: the settings and the blob storage of the running app.

Dependencies that do not block are `async def`: FastAPI runs a plain `def` dependency in its
thread pool, a thread hop per request for what is an attribute read.
"""

from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings
from app.core.storage import BlobStorage


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (overridable per app in tests)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_storage(request: Request) -> BlobStorage:
    """The blob storage the lifespan started."""
    return request.app.state.storage


StorageDep = Annotated[BlobStorage, Depends(get_storage)]
