"""A local-folder blob backend (the embedded default)."""

import asyncio
import os
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.storage.base import BlobNotFound, ReadUrl, StoredBlob

CHUNK_BYTES = 64 * 1024


class LocalBlobStorage:
    """Stores each blob as a file under a root folder; names never leave the root."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError("blob name escapes the storage root")
        return path

    async def start(self) -> None:
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)

    async def close(self) -> None:
        return None

    async def put(self, name: str, data: bytes, *, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(name), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a blob.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)

    async def stream(self, name: str) -> AsyncGenerator[bytes, None]:
        path = self._path(name)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(name) from exc
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, name: str) -> None:
        await asyncio.to_thread(self._path(name).unlink, missing_ok=True)

    async def exists(self, name: str) -> bool:
        return await asyncio.to_thread(self._path(name).is_file)

    async def list_blobs(self, prefix: str = "") -> AsyncIterator[StoredBlob]:
        for blob in await asyncio.to_thread(self._scan, prefix):
            yield blob

    def _scan(self, prefix: str) -> list[StoredBlob]:
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.rglob("*"):
            name = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.name.startswith(".") and name.startswith(prefix):
                stat = path.stat()
                found.append(
                    StoredBlob(
                        name=name,
                        size=stat.st_size,
                        last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                    )
                )
        return found

    async def read_url(self, name: str, *, ttl: timedelta) -> ReadUrl | None:
        # A folder has no URLs: callers fall back to the app's own signed content link.
        return None

    async def health_check(self) -> None:
        await asyncio.to_thread(self._probe)

    def _probe(self) -> None:
        # Readiness writes nothing: the folder must exist and be writable for this process.
        if not self.root.is_dir():
            raise FileNotFoundError(f"blob folder {self.root} is missing")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"blob folder {self.root} is not writable")
