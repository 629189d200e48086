"""An Azure Blob Storage backend on the SDK's async client (Azurite locally)."""

import contextlib
from collections.abc import AsyncIterator

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import ContentSettings
from azure.storage.blob.aio import BlobServiceClient

from app.core.storage.base import BlobNotFound, StoredBlob


class AzureBlobStorage:
    """Stores each blob in one container; the container is created at start if missing."""

    def __init__(self, *, connection_string: str, container: str) -> None:
        self.connection_string = connection_string
        self.container_name = container
        self.service = BlobServiceClient.from_connection_string(connection_string)
        self.container = self.service.get_container_client(container)

    async def start(self) -> None:
        with contextlib.suppress(ResourceExistsError):
            await self.container.create_container()

    async def close(self) -> None:
        await self.service.close()

    async def put(self, name: str, data: bytes, *, content_type: str) -> None:
        await self.container.upload_blob(
            name,
            data,
            overwrite=True,
            content_settings=ContentSettings(content_type=content_type),
        )

    async def stream(self, name: str) -> AsyncIterator[bytes]:
        try:
            downloader = await self.container.download_blob(name)
        except ResourceNotFoundError as exc:
            raise BlobNotFound(name) from exc
        async for chunk in downloader.chunks():
            yield chunk

    async def delete(self, name: str) -> None:
        with contextlib.suppress(ResourceNotFoundError):
            await self.container.delete_blob(name)

    async def exists(self, name: str) -> bool:
        return await self.container.get_blob_client(name).exists()

    async def list_blobs(self, prefix: str = "") -> AsyncIterator[StoredBlob]:
        async for blob in self.container.list_blobs(name_starts_with=prefix or None):
            yield StoredBlob(name=blob.name, size=blob.size, last_modified=blob.last_modified)

    async def health_check(self) -> None:
        await self.container.get_container_properties()
