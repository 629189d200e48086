"""Choose the blob backend from the settings."""

from app.core.config import Settings
from app.core.storage.base import BlobStorage
from app.core.storage.local import LocalBlobStorage


def create_storage(settings: Settings) -> BlobStorage:
    """The backend STORAGE_BACKEND names."""
    if settings.storage_backend == "azure":
        from app.core.storage.azure import AzureBlobStorage

        assert settings.azure_storage_connection_string is not None
        return AzureBlobStorage(
            connection_string=settings.azure_storage_connection_string,
            container=settings.azure_storage_container,
        )
    return LocalBlobStorage(settings.local_storage_dir)
