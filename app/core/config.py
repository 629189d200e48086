"""Application settings, read once from the environment (and an optional `.env`)."""

import logging
import secrets
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

MIN_PRODUCTION_SECRET_BYTES = 32
# Links made by background work, outside any request, when PUBLIC_BASE_URL is not set (not prod).
DEFAULT_PUBLIC_BASE_URL = "http://localhost:8000"
LogLevel = Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]


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
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    cors_origins: str = ""
    bootstrap_admin_email: str | None = None
    bootstrap_admin_password: str | None = None
    log_level: LogLevel = "INFO"
    demo_data: bool = False
    # Billing (§18): the currency of new invoices and the default tax rate in basis points.
    billing_currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    billing_tax_rate_bps: int = Field(default=0, ge=0, le=10_000)
    # Where clients reach the API (signed links start with it); the request's own base otherwise.
    public_base_url: str | None = Field(default=None, pattern=r"^https?://[^\s?#]+$")
    # None: docs on, except in production where DOCS_ENABLED=true must turn them on.
    docs_enabled: bool | None = None
    login_max_failures_per_email: int = Field(default=5, ge=1, le=1000)
    login_max_failures_per_ip: int = Field(default=20, ge=1, le=10_000)
    login_failure_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    register_max_per_ip: int = Field(default=10, ge=1, le=10_000)
    # Service plans (§15): how far ahead occurrences exist, and how often the horizon job runs.
    schedule_horizon_days: int = Field(default=56, ge=1, le=366)
    scheduler_interval_seconds: int = Field(default=3600, ge=10, le=24 * 3600)
    # Off in tests that drive the workers themselves; on everywhere else.
    background_jobs_enabled: bool = True
    # The SPA's address: links in emails point to its pages.
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
    email_retry_base_seconds: float = Field(default=30, gt=0, le=24 * 3600)
    password_reset_ttl_minutes: int = Field(default=30, ge=5, le=24 * 60)
    password_reset_max_per_email: int = Field(default=5, ge=1, le=1000)
    password_reset_max_per_ip: int = Field(default=20, ge=1, le=10_000)
    password_reset_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # How often the notification workers (email outbox, webhook deliveries) look for due work.
    notification_poll_seconds: float = Field(default=2, gt=0, le=60)
    webhook_retry_base_seconds: float = Field(default=10, gt=0, le=3600)
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=60)
    # Lifts the SSRF guard on webhook URLs: tests and deployments that deliver inside a private
    # network only.
    webhook_allow_private_targets: bool = False

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_in_capitals(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("public_base_url", mode="after")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

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
            if self.demo_data:
                raise ValueError("DEMO_DATA=true is refused when ENVIRONMENT=production")
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
    def docs_on(self) -> bool:
        """Whether /docs, /redoc and /openapi.json are served."""
        if self.docs_enabled is None:
            return self.environment is not Environment.PRODUCTION
        return self.docs_enabled

    def link_base_url(self, request_base_url: str | None = None) -> str:
        """The start of links the API builds: PUBLIC_BASE_URL, never the request's Host if set."""
        base = self.public_base_url or request_base_url or DEFAULT_PUBLIC_BASE_URL
        return base.rstrip("/")

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


def describe_invalid_settings(error: ValidationError) -> str:
    """One line naming each failing setting and its rule, never the value (it may be a secret)."""
    problems = []
    for issue in error.errors(include_url=False, include_input=True):
        message = issue["msg"].removeprefix("Value error, ")
        value = issue.get("input")
        if isinstance(value, str) and len(value) >= 3 and value in message:
            message = message.replace(value, "<hidden>")
        names = [str(part).upper() for part in issue["loc"] if isinstance(part, str)]
        problems.append(f"{'.'.join(names)}: {message}" if names else message)
    return "Invalid configuration: " + "; ".join(problems)


def load_settings() -> Settings:
    """Read the settings; an invalid one stops the process with one line, never its value."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SystemExit(describe_invalid_settings(exc)) from None
