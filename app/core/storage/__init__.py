"""Blob storage: one small async interface, a local-folder backend and an Azure Blob backend."""

from app.core.storage.base import BlobNotFound, BlobStorage, ReadUrl, StoredBlob
from app.core.storage.factory import create_storage

__all__ = ["BlobNotFound", "BlobStorage", "ReadUrl", "StoredBlob", "create_storage"]
