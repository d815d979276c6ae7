"""One settings object, read once at start-up from the environment and ``.env``."""

from __future__ import annotations

import os
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_URL = "https://slack.com/api/"
APP_TOKEN_PLACEHOLDER = "xapp-your-app-level-token"  # .env.example's, for Socket Mode

# How to fix each setting, shown when it is missing or malformed.
HINTS = {
    "slack_bot_token": "set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (starts with xoxb-), "
    "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install it in many workspaces (OAuth)",
    "slack_client_id": "set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET together (Basic Information, "
    "App Credentials), or neither for one workspace with SLACK_BOT_TOKEN",
    "slack_client_secret": "set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET together (Basic "
    "Information, App Credentials), or neither for one workspace with SLACK_BOT_TOKEN",
    "slack_signing_secret": "set SLACK_SIGNING_SECRET to the Signing Secret from Basic Information",
    "slack_app_token": "set SLACK_APP_TOKEN to an app-level token with connections:write "
    "(starts with xapp-), or leave it empty for HTTP mode",
    "slack_api_url": "set SLACK_API_URL to a Web API base URL such as https://slack.com/api/",
    "database_url": "set DATABASE_URL to e.g. sqlite:///salespath.db or "
    "postgresql+psycopg://user@127.0.0.1:5432/salespath",
    "port": "set PORT to a TCP port number between 1 and 65535",
    "log_level": "set LOG_LEVEL to one of DEBUG, INFO, WARNING, ERROR",
    "default_currency": "set DEFAULT_CURRENCY to an ISO currency code such as IDR or USD",
    "uninstall_grace_days": "set UNINSTALL_GRACE_DAYS to the whole number of days (0 to 3650) "
    "a workspace's data is kept after it uninstalls the app",
    "workers": "set WORKERS to the number of web processes, 1 to 64 (default: the CPU count)",
}
#: pydantic error type for a setting that is missing because another one is set.
MISSING = "missing_setting"


class SettingsError(Exception):
    """A missing or malformed setting; ``str()`` is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # OAuth (many workspaces) when both are set; one workspace with SLACK_BOT_TOKEN otherwise.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = Field(default=None, validate_default=True)
    slack_bot_token: SecretStr | None = Field(default=None, validate_default=True)
    slack_signing_secret: SecretStr
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    database_url: str = "sqlite:///salespath.db"
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    default_currency: str = "IDR"
    #: days a workspace's data is kept after it uninstalls the app (a reinstall keeps it)
    uninstall_grace_days: int = Field(default=30, ge=0, le=3650)

    @field_validator("slack_client_id", "slack_client_secret", "slack_bot_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        return None if v is None or not str(v).strip() else v

    @field_validator("slack_client_secret")
    @classmethod
    def _client_pair(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        client_id = info.data.get("slack_client_id")
        if v is not None and client_id is None:
            raise PydanticCustomError(MISSING, "is missing", {"setting": "slack_client_id"})
        if v is None and client_id is not None:
            raise PydanticCustomError(MISSING, "is missing", {"setting": "slack_client_secret"})
        return v

    #: web processes (gunicorn workers) for ``python -m bot web`` in HTTP mode
    workers: int = Field(default_factory=lambda: min(os.cpu_count() or 1, 64), ge=1, le=64)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if v is None:
            if info.data.get("slack_client_id") is None:  # OAuth: each workspace's own token
                raise PydanticCustomError(MISSING, "is missing", {"setting": "slack_bot_token"})
            return None
        if not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return v

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret(cls, v: SecretStr) -> SecretStr:
        if not v.get_secret_value().strip():
            raise ValueError("is empty")
        return v

    @field_validator("slack_app_token", mode="before")
    @classmethod
    def _app_token(cls, v: object, info: ValidationInfo) -> object:
        if v in ("", None):
            return None
        if not str(v).startswith("xapp-"):
            raise ValueError("must start with xapp-")
        if str(v) == APP_TOKEN_PLACEHOLDER:
            raise ValueError("is still the placeholder from .env.example")
        if info.data.get("slack_client_id") is not None:
            raise ValueError(
                "OAuth installs (SLACK_CLIENT_ID) are served in HTTP mode: leave it empty"
            )
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in v:
            raise ValueError("must be an http(s) URL with a host")
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        if not v.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v.removeprefix("postgresql://")
        return v

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, v: object) -> object:
        return str(v).upper() if v is not None else v

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        v = v.strip().upper()
        if len(v) != 3 or not v.isalpha():
            raise ValueError("must be a three-letter code")
        return v

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def mode_warning(self) -> str:
        """One start-up line saying which mode the app runs in and what Slack's side must
        match (issue 14: ``manifest.yml`` ships with Socket Mode on; an app whose manifest
        says Socket Mode but runs without ``SLACK_APP_TOKEN`` is never reached)."""
        if self.oauth:
            return (
                "HTTP mode with OAuth installs (SLACK_CLIENT_ID is set): Slack must reach "
                f"this app at https://<your public host>/slack/events (port {self.port}), and "
                "the app's manifest must say socket_mode_enabled: false with that URL and the "
                "redirect URL /slack/oauth_redirect."
            )
        if self.socket_mode:
            return (
                "Socket Mode (SLACK_APP_TOKEN is set): the app connects out to Slack; the "
                "app's manifest must say socket_mode_enabled: true."
            )
        return (
            f"HTTP mode (SLACK_APP_TOKEN is empty): Slack must reach this app at "
            f"https://<your public host>/slack/events (port {self.port}), and the app's "
            "manifest must say socket_mode_enabled: false with that URL. manifest.yml ships "
            "with Socket Mode on: Socket Mode needs SLACK_APP_TOKEN (an app-level token "
            "xapp-… with connections:write, from Basic Information → App-Level Tokens)."
        )

    @property
    def oauth(self) -> bool:
        """Installed in many workspaces through OAuth (each with its own bot token)."""
        return self.slack_client_id is not None


def load_settings(**overrides: object) -> Settings:
    """Read settings, or raise SettingsError naming the first bad setting and the fix."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "settings"
        field = (err.get("ctx") or {}).get("setting", field)  # named by another setting
        env = field.upper()
        missing = err["type"] in ("missing", MISSING)
        problem = "is missing" if missing else f"is invalid ({err['msg']})"
        hint = HINTS.get(field, "check its value")
        raise SettingsError(f"{env} {problem}: {hint} (in the environment or .env).") from None
