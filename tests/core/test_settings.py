"""Settings (contract section 14): production refuses unsafe configuration at start-up."""

import pytest
from pydantic import ValidationError

from app.core.config import Environment, Settings
from app.main import create_app

STRONG_SECRET = "x" * 32
MONGODB_URL = "mongodb://db.example:27017"
LINKS = {"public_base_url": "https://api.example.com", "frontend_url": "https://app.example.com"}
ENV_NAMES = (
    "ENVIRONMENT",
    "MONGODB_URL",
    "JWT_SECRET",
    "STORAGE_BACKEND",
    "PUBLIC_BASE_URL",
    "FRONTEND_URL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch) -> None:
    """Start each test from an environment that sets none of the variables under test."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # keep a developer's `.env` out of the picture


class TestProduction:
    def test_without_mongodb_url(self):
        with pytest.raises(ValidationError, match="MONGODB_URL"):
            Settings(environment="production", jwt_secret=STRONG_SECRET)

    def test_without_jwt_secret(self):
        with pytest.raises(ValidationError, match="JWT_SECRET"):
            Settings(environment="production", mongodb_url=MONGODB_URL)

    def test_short_jwt_secret(self):
        with pytest.raises(ValidationError, match="JWT_SECRET"):
            Settings(environment="production", mongodb_url=MONGODB_URL, jwt_secret="x" * 31)

    def test_secret_counted_in_bytes(self):
        # 16 two-byte characters are 32 bytes.
        settings = Settings(
            environment="production", mongodb_url=MONGODB_URL, jwt_secret="é" * 16, **LINKS
        )
        assert settings.secret_key == "é" * 16

    @pytest.mark.parametrize("missing", sorted(LINKS))
    def test_without_link_bases(self, missing: str):
        links = {name: value for name, value in LINKS.items() if name != missing}
        with pytest.raises(ValidationError, match="PUBLIC_BASE_URL and FRONTEND_URL"):
            Settings(
                environment="production", mongodb_url=MONGODB_URL, jwt_secret=STRONG_SECRET, **links
            )

    def test_valid(self):
        settings = Settings(
            environment="production", mongodb_url=MONGODB_URL, jwt_secret=STRONG_SECRET, **LINKS
        )
        assert settings.environment is Environment.PRODUCTION
        assert settings.secret_key == STRONG_SECRET

    def test_read_from_environment(self, monkeypatch):
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("JWT_SECRET", STRONG_SECRET)
        with pytest.raises(ValidationError, match="MONGODB_URL"):
            Settings()

    def test_create_app_refuses(self, monkeypatch):
        monkeypatch.setenv("ENVIRONMENT", "production")
        with pytest.raises(ValidationError):
            create_app()

    def test_create_app_with_explicit_settings_refuses(self):
        with pytest.raises(ValidationError):
            create_app(Settings(environment="production", jwt_secret=STRONG_SECRET))


class TestDevelopment:
    def test_is_the_default(self):
        assert Settings().environment is Environment.DEVELOPMENT

    def test_generates_secret(self):
        settings = Settings()
        assert len(settings.secret_key.encode()) >= 32

    def test_generated_secret_is_stable(self):
        settings = Settings()
        assert settings.secret_key == settings.secret_key

    def test_generated_secret_differs_per_instance(self):
        assert Settings().secret_key != Settings().secret_key

    def test_short_secret_allowed(self):
        assert Settings(jwt_secret="dev").secret_key == "dev"


class TestCorsOrigins:
    def test_comma_separated(self):
        settings = Settings(cors_origins=" https://a.example, https://b.example ,")
        assert settings.cors_origin_list == ["https://a.example", "https://b.example"]

    def test_empty(self):
        assert Settings().cors_origin_list == []
