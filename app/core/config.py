"""Application settings, read once from the environment (and an optional `.env`)."""

import logging
import secrets
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

MIN_PRODUCTION_SECRET_BYTES = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    environment: Environment = Environment.DEVELOPMENT
    mongodb_url: str | None = None
    mongodb_db: str = "poolia"
    jwt_secret: str | None = None
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_ttl_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_ttl_days: int = Field(default=14, ge=1, le=365)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    storage_backend: Literal["local", "azure"] = "local"
    local_storage_dir: str = "var/blobs"
    azure_storage_connection_string: str | None = None
    azure_storage_container: str = "poolia-photos"
    photo_url_ttl_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    cors_origins: str = ""
    bootstrap_admin_email: str | None = None
    bootstrap_admin_password: str | None = None
    log_level: str = "INFO"
    demo_data: bool = False
    login_max_failures_per_email: int = 5
    login_max_failures_per_ip: int = 20
    login_failure_window_minutes: int = 15
    # Off in tests that drive the workers themselves; on everywhere else.
    background_jobs_enabled: bool = True
    # Links the API builds: the API itself, and the SPA's pages (links in emails).
    public_base_url: str | None = Field(default=None, pattern=r"^https?://")
    frontend_url: str | None = Field(default=None, pattern=r"^https?://")
    # Email: `console` writes each email as one JSON log line; `smtp` sends it.
    email_backend: Literal["console", "smtp"] = "console"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=30, gt=0, le=300)
    mail_from: str = Field(default="Poolia <no-reply@localhost>", min_length=3, max_length=320)
    notification_poll_seconds: float = Field(default=2, gt=0, le=3600)
    email_retry_base_seconds: float = Field(default=30, gt=0, le=24 * 3600)
    password_reset_ttl_minutes: int = Field(default=30, ge=5, le=24 * 60)
    password_reset_max_per_email: int = Field(default=5, ge=1, le=1000)
    password_reset_max_per_ip: int = Field(default=20, ge=1, le=10_000)
    password_reset_window_minutes: int = Field(default=15, ge=1, le=24 * 60)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment is Environment.PRODUCTION:
            if not self.mongodb_url:
                raise ValueError("MONGODB_URL is required when ENVIRONMENT=production")
            secret_bytes = len((self.jwt_secret or "").encode())
            if secret_bytes < MIN_PRODUCTION_SECRET_BYTES:
                raise ValueError(
                    "JWT_SECRET of at least 32 bytes is required when ENVIRONMENT=production"
                )
            # Links in emails and webhook payloads must never follow a request's Host header.
            if not (self.public_base_url and self.frontend_url):
                raise ValueError(
                    "PUBLIC_BASE_URL and FRONTEND_URL are required when ENVIRONMENT=production"
                )
        if self.storage_backend == "azure" and not self.azure_storage_connection_string:
            raise ValueError(
                "AZURE_STORAGE_CONNECTION_STRING is required for STORAGE_BACKEND=azure"
            )
        return self

    @property
    def cors_origin_list(self) -> list[str]:
        """CORS_ORIGINS as a list (comma-separated in the environment)."""
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def frontend_base_url(self) -> str:
        """Where links to the SPA start (links made by background work, outside a request)."""
        base = self.frontend_url or self.public_base_url or "http://localhost:8000"
        return base.rstrip("/")

    @cached_property
    def secret_key(self) -> str:
        """The signing secret; outside production a missing one is generated per process."""
        if self.jwt_secret:
            return self.jwt_secret
        logger.warning("JWT_SECRET is not set: using a random per-process secret (dev only)")
        return secrets.token_urlsafe(48)
