"""Every setting comes from the environment, with embedded defaults that need nothing installed.

One class, `Settings`, names every environment variable the cabinet reads (the README's «Settings» table lists
them); nothing else in `cabinet/` looks at the environment. Read them with `settings.get()`; `settings.reset()`
makes the next `get()` read the environment again (tests change it). An empty variable counts as unset. A value
that cannot be right (a port that is not a number, a date that is not YYYY-MM-DD) stops the start with a message
naming the variable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """An environment variable holds a value the cabinet cannot run with."""


def _embedded_secret(data_dir: Path) -> str:
    """A random secret kept under data/, so signed links survive a restart of the embedded cabinet."""
    import secrets

    path = data_dir / "secret.key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        path.write_text(value)
        path.chmod(0o600)
        return value


DEFAULT_PORT = 3000  # the one port of the app when PORT is not set
EMBEDDED_SMTP_PORT = 2525  # where the embedded SMTP server listens when SMTP_PORT is not set


def _port_of(data: dict[str, Any]) -> int:
    return data.get("port", DEFAULT_PORT)


class Settings(BaseSettings):
    """The cabinet's settings. Each field is read from the variable of its name in upper case, unless an alias
    says otherwise; a default computed from other fields uses the fields declared above it."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)

    # Where the embedded mode keeps its files: the SQLite database, mail, SMS log, exports, the secret.
    data_dir: Path = Field(default=PROJECT_DIR / "data", validation_alias="CABINET_DATA_DIR")
    database_url: str = Field(default_factory=lambda data: f"sqlite:///{data['data_dir'] / 'cabinet.db'}")
    redis_url: str | None = None
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    public_url: str = Field(default_factory=lambda data: f"http://localhost:{_port_of(data)}")
    secret_key: str = Field(default_factory=lambda data: _embedded_secret(data["data_dir"]), repr=False)
    smtp_host: str = "embedded"
    smtp_port: int = Field(default=EMBEDDED_SMTP_PORT, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_tls: bool = False
    mail_from: str = "cabinet@operator.example"
    run_worker_in_app: bool = Field(default_factory=lambda data: data.get("redis_url") is None)
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    sms_gateway: str = "embedded"  # a name of cabinet.delivery.sms.GATEWAYS, checked when the gateway is made
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda data: [data.get("public_url", ""), f"http://127.0.0.1:{_port_of(data)}"])
    # CABINET_TODAY=YYYY-MM-DD runs the whole process on another day (browser tests of date rules); see `clock`.
    today: dt.date | None = Field(default=None, validation_alias="CABINET_TODAY")

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()

    @field_validator("public_url")
    @classmethod
    def _without_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("sms_gateway")
    @classmethod
    def _gateway_name(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("today", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError("expected a date as YYYY-MM-DD") from None
        return value

    @property
    def embedded_smtp(self) -> bool:
        """No SMTP server was named: the cabinet runs its own sink that stores .eml files."""
        return self.smtp_host == "embedded"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def worker_pause_file(self) -> Path:
        """While this file exists, the workers take no new request (they still send e-mails): for maintenance of the
        operator's side, and for the browser tests of what a user may do while a request waits."""
        return self.data_dir / "worker.pause"

    @property
    def sms_log(self) -> Path:
        return self.data_dir / "sms.log"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


SECRET_FIELDS = {"secret_key", "smtp_password"}  # never shown in a message


def _field_and_variable(name: str) -> tuple[str, str]:
    """(field, environment variable) of a field's name or alias, as a validation error locates it."""
    for field_name, field in Settings.model_fields.items():
        variable = field.validation_alias if isinstance(field.validation_alias, str) else field_name.upper()
        if name in (field_name, variable):
            return field_name, variable
    return name, name.upper()


def load() -> Settings:
    """The settings as the environment gives them now; SettingsError names every variable that is wrong."""
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            if problem["type"] == "default_factory_not_called":
                continue  # a default computed from a variable that is wrong: that variable is named already
            field_name, variable = _field_and_variable(str(problem["loc"][0]) if problem["loc"] else "?")
            shown = "" if field_name in SECRET_FIELDS else f"={problem.get('input')!s}"
            problems.append(f"{variable}{shown}: {problem['msg'].removeprefix('Value error, ')}")
        raise SettingsError("Invalid settings in the environment: " + "; ".join(problems)) from None


_settings: Settings | None = None


def get() -> Settings:
    global _settings
    if _settings is None:
        _settings = load()
    return _settings


def reset() -> None:
    """Re-read the environment (tests change it)."""
    global _settings
    _settings = None
