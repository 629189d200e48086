# syntax=docker/dockerfile:1
# Poolia API image: the runtime dependencies exactly as uv.lock pins them (no dev extra, so no test or
# lint tools), then the project itself, run as a non-root user.

# --- build: install from the lock file into a virtualenv ---
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

# uv stays in this stage; only /opt/venv reaches the runtime image.
RUN pip install uv==0.13.9

WORKDIR /src
# Dependencies first (a layer that survives code changes); --locked fails if uv.lock is stale.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-install-project --python /usr/local/bin/python
# pyproject.toml names README.md as the package readme, so it is part of the build.
COPY README.md ./
COPY app ./app
RUN uv sync --locked --no-editable --python /usr/local/bin/python

# --- runtime: the virtualenv only, no build context ---
FROM python:3.11-slim AS runtime

ARG APP_UID=10001
ARG APP_GID=10001
RUN groupadd --system --gid "${APP_GID}" poolia \
    && useradd --system --uid "${APP_UID}" --gid poolia --home-dir /srv/poolia \
       --shell /usr/sbin/nologin poolia \
    && mkdir -p /srv/poolia/var/blobs \
    && chown -R poolia:poolia /srv/poolia

COPY --from=build /opt/venv /opt/venv

# Defaults only: every one of these can be overridden at `docker run` / compose time.
# ENVIRONMENT=production makes the app refuse to start without MONGODB_URL, a JWT_SECRET of at
# least 32 bytes, PUBLIC_BASE_URL and FRONTEND_URL (or with DEMO_DATA=true); /docs stays off unless
# DOCS_ENABLED=true. Set ENVIRONMENT=development for a throwaway container on the in-memory store.
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    MONGODB_DB=poolia \
    STORAGE_BACKEND=local \
    LOCAL_STORAGE_DIR=/srv/poolia/var/blobs \
    LOG_LEVEL=INFO

WORKDIR /srv/poolia
# Numeric, so orchestrators can verify the user is not root (runAsNonRoot).
USER ${APP_UID}:${APP_GID}

EXPOSE 8000

# Liveness only (touches no dependency); readiness is GET /health/ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# --proxy-headers trusts X-Forwarded-* only from FORWARDED_ALLOW_IPS (uvicorn's default: 127.0.0.1);
# set it to the reverse proxy's address so client IPs (login rate limit, audit) are the real ones.
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
