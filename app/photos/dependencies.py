"""Photo access, written once: who may read a photo's bytes, and the presenter for responses."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, Path, Query, Request

from app.auth import service as auth_service
from app.auth.dependencies import CurrentUser, oauth2_scheme
from app.core.config import Settings
from app.core.dependencies import SettingsDep, StorageDep
from app.core.errors import Unauthorized
from app.core.storage import BlobStorage
from app.photos import links, service
from app.photos.exceptions import PhotoLinkInvalid
from app.photos.models import Photo
from app.photos.schemas import PhotoOut
from app.users.models import User

PhotoIdPath = Annotated[PydanticObjectId, Path(alias="photoId", description="A photo id.")]


async def visible_photo(photo_id: PhotoIdPath, viewer: CurrentUser) -> Photo:
    """The photo in the path, if the caller may see it (else 404)."""
    return await service.get_visible(photo_id=photo_id, viewer=viewer)


# How long a browser may keep bytes read with a bearer token (a signed link: until it expires).
CONTENT_MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class PhotoContentAccess:
    """A photo whose bytes may be read, and how long the reader may cache them."""

    photo: Photo
    max_age_seconds: int


async def readable_photo(
    photo_id: PhotoIdPath,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    expires: Annotated[
        int | None, Query(alias="exp", description="Signed link: expiry, unix seconds.")
    ] = None,
    signature: Annotated[
        str | None, Query(alias="sig", max_length=128, description="Signed link: signature.")
    ] = None,
) -> PhotoContentAccess:
    """The photo, for a valid signed link (no token needed) or a caller who may see it.

    A tampered or expired link is 403; no link and no token is 401. A signed link's bytes may
    be cached until the link expires, never beyond.
    """
    signed = expires is not None or signature is not None
    if (
        signed
        and expires is not None
        and links.is_valid(
            photo_id=photo_id, expires=expires, signature=signature, secret=settings.secret_key
        )
    ):
        photo = await service.get(photo_id=photo_id)
        return PhotoContentAccess(photo, links.seconds_left(expires))
    if token is None:
        if signed:
            raise PhotoLinkInvalid
        raise Unauthorized
    principal = await auth_service.authenticate(token=token, settings=settings)
    photo = await service.get_visible(photo_id=photo_id, viewer=principal.user)
    return PhotoContentAccess(photo, CONTENT_MAX_AGE_SECONDS)


VisiblePhoto = Annotated[Photo, Depends(visible_photo)]
ReadablePhoto = Annotated[PhotoContentAccess, Depends(readable_photo)]


@dataclass(frozen=True)
class PhotoPresenter:
    """Turns photos into response bodies with fresh read URLs for this request."""

    storage: BlobStorage
    settings: Settings
    base_url: str

    async def out(self, photo: Photo) -> PhotoOut:
        """One photo's response body."""
        return await service.to_out(
            photo=photo, storage=self.storage, settings=self.settings, base_url=self.base_url
        )

    async def out_many(self, photos: Iterable[Photo]) -> list[PhotoOut]:
        """Several photos' response bodies, in order."""
        return [await self.out(photo) for photo in photos]


async def photo_presenter(
    request: Request, storage: StorageDep, settings: SettingsDep
) -> PhotoPresenter:
    """A presenter whose signed links start with PUBLIC_BASE_URL (else this request's base)."""
    base_url = settings.link_base_url(str(request.base_url))
    return PhotoPresenter(storage=storage, settings=settings, base_url=base_url)


PhotoPresenterDep = Annotated[PhotoPresenter, Depends(photo_presenter)]


async def presenter_for(request: Request) -> PhotoPresenter:
    """The presenter of this request, outside dependency injection."""
    return await photo_presenter(
        request, storage=request.app.state.storage, settings=request.app.state.settings
    )


async def present_replayed_photo(request: Request, kept_body: bytes, caller: User) -> bytes:
    """A replayed upload answers the photo as it is now: same id, a fresh read URL (§1)."""
    photo_id = PydanticObjectId(json.loads(kept_body)["id"])
    photo = await service.get_visible(photo_id=photo_id, viewer=caller)
    presenter = await presenter_for(request)
    return (await presenter.out(photo)).model_dump_json(by_alias=True).encode()
