"""An Azure Blob Storage backend on the SDK's async client (Azurite locally)."""

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import timedelta
from urllib.parse import quote

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobSasPermissions, ContentSettings, generate_blob_sas
from azure.storage.blob.aio import BlobServiceClient

from app.core.storage.base import BlobNotFound, ReadUrl, StoredBlob, link_expiry


def parse_connection_string(connection_string: str) -> dict[str, str]:
    """The `Key=value;` pairs of an Azure Storage connection string, keys lowercased."""
    pairs = {}
    for part in connection_string.split(";"):
        key, separator, value = part.strip().partition("=")
        if separator:
            pairs[key.lower()] = value
    return pairs


class AzureBlobStorage:
    """Stores each blob in one container; the container is created at start if missing."""

    def __init__(self, *, connection_string: str, container: str) -> None:
        self.connection_string = connection_string
        self.container_name = container
        parts = parse_connection_string(connection_string)
        if not parts.get("accountname") or not parts.get("accountkey"):
            # Read URLs are SAS tokens signed with the account key.
            raise ValueError(
                "AZURE_STORAGE_CONNECTION_STRING must carry AccountName and AccountKey"
            )
        self.account_name = parts["accountname"]
        self.account_key = parts["accountkey"]
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

    async def stream(self, name: str) -> AsyncGenerator[bytes, None]:
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

    async def read_url(self, name: str, *, ttl: timedelta) -> ReadUrl:
        # On a 5-minute boundary: the same SAS (and URL) for every read within one window.
        expires_at = link_expiry(ttl)
        sas = generate_blob_sas(
            account_name=self.account_name,
            container_name=self.container_name,
            blob_name=name,
            account_key=self.account_key,
            permission=BlobSasPermissions(read=True),
            expiry=expires_at,
        )
        return ReadUrl(url=f"{self.container.url}/{quote(name)}?{sas}", expires_at=expires_at)

    async def health_check(self) -> None:
        await self.container.get_container_properties()
