"""Settings (contract section 14): production refuses unsafe configuration at start-up."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from app.core.config import Environment, Settings, load_settings
from app.main import create_app

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "x" * 32
MONGODB_URL = "mongodb://db.example:27017"
PUBLIC_BASE_URL = "https://api.poolia.example"
FRONTEND_URL = "https://app.poolia.example"
LINKS = {"public_base_url": PUBLIC_BASE_URL, "frontend_url": FRONTEND_URL}
ENV_NAMES = (
    "ENVIRONMENT",
    "MONGODB_URL",
    "JWT_SECRET",
    "STORAGE_BACKEND",
    "PUBLIC_BASE_URL",
    "DOCS_ENABLED",
    "DEMO_DATA",
    "LOG_LEVEL",
    "FRONTEND_URL",
)
PRODUCTION = {
    "environment": "production",
    "mongodb_url": MONGODB_URL,
    "jwt_secret": STRONG_SECRET,
    "public_base_url": PUBLIC_BASE_URL,
    "frontend_url": FRONTEND_URL,
}


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
        settings = Settings(**(PRODUCTION | {"jwt_secret": "é" * 16}))
        assert settings.secret_key == "é" * 16

    @pytest.mark.parametrize("missing", sorted(LINKS))
    def test_without_link_bases(self, missing: str):
        links = {name: value for name, value in LINKS.items() if name != missing}
        with pytest.raises(ValidationError, match="PUBLIC_BASE_URL and FRONTEND_URL"):
            Settings(
                environment="production", mongodb_url=MONGODB_URL, jwt_secret=STRONG_SECRET, **links
            )

    def test_valid(self):
        settings = Settings(**PRODUCTION)
        assert settings.environment is Environment.PRODUCTION
        assert settings.secret_key == STRONG_SECRET

    def test_read_from_environment(self, monkeypatch):
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("JWT_SECRET", STRONG_SECRET)
        with pytest.raises(ValidationError, match="MONGODB_URL"):
            Settings()

    def test_create_app_refuses(self, monkeypatch):
        monkeypatch.setenv("ENVIRONMENT", "production")
        with pytest.raises(SystemExit, match="MONGODB_URL"):
            create_app()

    def test_demo_data_refused(self):
        with pytest.raises(ValidationError, match="DEMO_DATA"):
            Settings(**PRODUCTION, demo_data=True)

    def test_without_public_base_url(self):
        with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
            Settings(**(PRODUCTION | {"public_base_url": None}))

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


class TestBounds:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("LOGIN_MAX_FAILURES_PER_EMAIL", "0"),
            ("LOGIN_MAX_FAILURES_PER_IP", "0"),
            ("LOGIN_FAILURE_WINDOW_MINUTES", "0"),
            ("REGISTER_MAX_PER_IP", "0"),
            ("ACCESS_TOKEN_TTL_MINUTES", "0"),
            ("REFRESH_TOKEN_TTL_DAYS", "100000"),
            ("BCRYPT_ROUNDS", "40"),
            ("PHOTO_URL_TTL_MINUTES", "0"),
            ("MAX_UPLOAD_BYTES", "0"),
            ("MAX_UPLOAD_BYTES", str(10**12)),
            ("LOG_LEVEL", "LOUD"),
            ("PUBLIC_BASE_URL", "api.example"),
        ],
    )
    def test_out_of_bounds_refused(self, monkeypatch, name, value):
        monkeypatch.setenv(name, value)
        with pytest.raises(SystemExit) as refused:
            load_settings()
        message = str(refused.value.code)
        assert name in message
        assert "\n" not in message

    def test_every_numeric_setting_is_bounded(self):
        for name, field in Settings.model_fields.items():
            if field.annotation is int:
                bounds = {type(rule).__name__ for rule in field.metadata}
                assert {"Ge", "Le"} <= bounds, name

    def test_log_level_any_case(self):
        assert Settings(log_level="debug").log_level == "DEBUG"


class TestInvalidSettingMessage:
    def test_names_the_rule_never_the_value(self, monkeypatch):
        secret = "hunter2-but-far-too-short"
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("MONGODB_URL", "mongodb://admin:db-password@db.example")
        monkeypatch.setenv("JWT_SECRET", secret)
        with pytest.raises(SystemExit) as refused:
            load_settings()
        message = str(refused.value.code)
        assert "JWT_SECRET" in message and "32 bytes" in message
        assert secret not in message and "db-password" not in message

    def test_a_bad_number_is_not_echoed(self, monkeypatch):
        monkeypatch.setenv("BCRYPT_ROUNDS", "twelve-ish")
        with pytest.raises(SystemExit) as refused:
            load_settings()
        message = str(refused.value.code)
        assert "BCRYPT_ROUNDS" in message and "twelve-ish" not in message

    def test_startup_stops_with_one_line(self, tmp_path):
        secret = "s3cret-value-that-must-not-leak"
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "ENVIRONMENT": "production",
            "JWT_SECRET": secret,
            "LOGIN_MAX_FAILURES_PER_EMAIL": "0",
        }
        finished = subprocess.run(
            [sys.executable, "-c", "import app.main"],
            cwd=tmp_path,
            env={**environment, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert finished.returncode == 1
        lines = (finished.stdout + finished.stderr).strip().splitlines()
        assert len(lines) == 1, lines
        assert "LOGIN_MAX_FAILURES_PER_EMAIL" in lines[0]
        assert secret not in lines[0]


class TestDocs:
    @pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
    async def test_off_in_production(self, path):
        async for client in app_client(Settings(**PRODUCTION)):
            assert (await client.get(path)).status_code == 404

    @pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
    async def test_on_in_production_when_enabled(self, path):
        async for client in app_client(Settings(**PRODUCTION, docs_enabled=True)):
            assert (await client.get(path)).status_code == 200

    async def test_on_in_development(self):
        async for client in app_client(Settings()):
            assert (await client.get("/openapi.json")).status_code == 200


async def app_client(settings: Settings):
    """A client on an app built with `settings`, without its lifespan (docs need none)."""
    application = create_app(settings)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class TestEnvExample:
    def test_lists_every_setting(self):
        text = (ROOT / ".env.example").read_text()
        listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
        assert listed == {name.upper() for name in Settings.model_fields}

    def test_as_a_dotenv_gives_the_defaults(self, tmp_path, monkeypatch):
        (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
        monkeypatch.chdir(tmp_path)
        loaded = Settings().model_dump()
        defaults = Settings(_env_file=None).model_dump()
        assert loaded == defaults
