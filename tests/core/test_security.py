"""Password hashing runs in its own pool, never on the event loop."""

import threading

import bcrypt
import pytest

from app.core import security


@pytest.fixture
def bcrypt_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the thread that runs each bcrypt call."""
    threads: list[str] = []
    for name in ("hashpw", "checkpw"):
        original = getattr(bcrypt, name)

        def recorded(*args, _original=original):
            threads.append(threading.current_thread().name)
            return _original(*args)

        monkeypatch.setattr(bcrypt, name, recorded)
    return threads


def _off_the_loop(threads: list[str]) -> bool:
    return bool(threads) and all(name.startswith("bcrypt") for name in threads)


async def test_hash_and_check_run_in_the_password_pool(bcrypt_threads: list[str]) -> None:
    hashed = await security.hash_password("correct horse battery", rounds=4)

    assert await security.verify_password("correct horse battery", hashed, rounds=4)
    assert not await security.verify_password("wrong horse battery", hashed, rounds=4)
    assert _off_the_loop(bcrypt_threads)


async def test_a_missing_hash_is_checked_in_the_pool_dummy_included(
    bcrypt_threads: list[str],
) -> None:
    security._dummy_hash.cache_clear()  # so this call makes the dummy hash too

    assert not await security.verify_password("any password at all", None, rounds=4)

    assert len(bcrypt_threads) == 2  # the dummy hash, then the check
    assert _off_the_loop(bcrypt_threads)


async def test_an_overlong_password_is_refused_in_the_pool(bcrypt_threads: list[str]) -> None:
    hashed = await security.hash_password("short enough", rounds=4)
    bcrypt_threads.clear()

    assert not await security.verify_password("x" * 100, hashed, rounds=4)
    assert _off_the_loop(bcrypt_threads)
