"""An app built by `create_app` is freed once dropped: nothing process-wide keeps it alive."""

import gc
import weakref

from fastapi import FastAPI

from app.main import create_app


async def test_app_is_freed_after_its_lifespan(settings):
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        pass
    dropped: weakref.ref[FastAPI] = weakref.ref(application)
    del application
    gc.collect()
    assert dropped() is None
