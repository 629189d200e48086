"""Blob storage: one small async interface, a local-folder backend and an Azure Blob backend."""

from app.core.storage.base import BlobNotFound, BlobStorage, ReadUrl, StoredBlob, link_expiry
from app.core.storage.factory import create_storage

__all__ = ["BlobNotFound", "BlobStorage", "ReadUrl", "StoredBlob", "create_storage", "link_expiry"]
