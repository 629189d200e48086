"""Photo tests run on both blob backends: a local folder, and Azure Blob Storage on a real Azurite.

Azurite is the npm package pinned in tests/azurite (installed by `make test`); one emulator is
started for the session on a free loopback port and every Azure test gets its own container.
"""

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.storage import BlobStorage

AZURITE_DIR = Path(__file__).resolve().parent.parent / "azurite"
AZURITE_BLOB = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
# Azurite's well-known development account (public, documented by Microsoft; not a secret).
DEV_ACCOUNT = "devstoreaccount1"
DEV_ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Azurite blob service; yields its connection string.

    TEST_AZURE_STORAGE_CONNECTION_STRING points the tests at an Azurite (or a storage account)
    started elsewhere, as the hosted CI does; each test still gets a container of its own.
    """
    external = os.environ.get("TEST_AZURE_STORAGE_CONNECTION_STRING")
    if external:
        yield external
        return
    if not AZURITE_BLOB.exists():
        pytest.fail(
            f"Azurite is not installed ({AZURITE_BLOB} is missing): run `make test`, which "
            "installs it with `npm ci --prefix tests/azurite`.",
            pytrace=False,
        )
    port = _free_port()
    location = tmp_path_factory.mktemp("azurite")
    log_path = location / "azurite.log"
    command = [
        str(AZURITE_BLOB),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--location",
        str(location),
        "--loose",
        "--skipApiVersionCheck",
        "--silent",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"Azurite did not start on port {port}:\n{log_path.read_text()[-2000:]}",
                    pytrace=False,
                )
            time.sleep(0.05)
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};"
            f"AccountKey={DEV_ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:{port}/{DEV_ACCOUNT};"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(params=["local", "azure"])
def storage_backend(request: pytest.FixtureRequest) -> str:
    """Which blob backend the app under test uses."""
    return request.param


@pytest.fixture
def settings(settings: Settings, storage_backend: str, request: pytest.FixtureRequest) -> Settings:
    """The shared test settings on the chosen backend (Azure: a fresh container per test)."""
    if storage_backend == "local":
        return settings
    return settings.model_copy(
        update={
            "storage_backend": "azure",
            "azure_storage_connection_string": request.getfixturevalue("azurite"),
            "azure_storage_container": f"photos-{uuid.uuid4().hex}",
        }
    )


@pytest.fixture
def storage(app: FastAPI) -> BlobStorage:
    """The blob storage the app under test started."""
    return app.state.storage


async def blob_names(storage: BlobStorage) -> list[str]:
    """Every blob name in the backend."""
    return sorted([blob.name async for blob in storage.list_blobs()])


async def fetch(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """GET a photo URL without credentials: the app's own links through the test client,
    Azure SAS URLs straight from Azurite."""
    if url.startswith(str(client.base_url)):
        return await client.get(url)
    async with httpx.AsyncClient(trust_env=False) as outside:
        return await outside.get(url)
