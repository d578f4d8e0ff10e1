"""Every setting comes from the environment, with embedded defaults that need nothing installed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    port: int
    public_url: str
    secret_key: str
    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_tls: bool
    mail_from: str
    run_worker_in_app: bool
    worker_poll_seconds: float
    sms_gateway: str = "embedded"
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    cors_origins: list[str] = field(default_factory=list)

    @property
    def embedded_smtp(self) -> bool:
        """No SMTP server was named: the cabinet runs its own sink that stores .eml files."""
        return self.smtp_host == "embedded"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def sms_log(self) -> Path:
        return self.data_dir / "sms.log"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


def load() -> Settings:
    env = os.environ
    data_dir = Path(env.get("CABINET_DATA_DIR", PROJECT_DIR / "data")).resolve()
    port = int(env.get("PORT", "3000"))
    public_url = env.get("PUBLIC_URL", f"http://localhost:{port}")
    redis_url = env.get("REDIS_URL") or None
    origins = env.get("CORS_ORIGINS")
    return Settings(
        data_dir=data_dir,
        database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'cabinet.db'}",
        redis_url=redis_url,
        port=port,
        public_url=public_url.rstrip("/"),
        secret_key=env.get("SECRET_KEY") or _embedded_secret(data_dir),
        smtp_host=env.get("SMTP_HOST") or "embedded",
        smtp_port=int(env.get("SMTP_PORT") or 2525),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_tls=_bool(env.get("SMTP_TLS"), False),
        mail_from=env.get("MAIL_FROM") or "cabinet@operator.example",
        run_worker_in_app=_bool(env.get("RUN_WORKER_IN_APP"), redis_url is None),
        worker_poll_seconds=float(env.get("WORKER_POLL_SECONDS") or 1.0),
        sms_gateway=(env.get("SMS_GATEWAY") or "embedded").strip().lower(),
        cors_origins=origins.split(",") if origins else [public_url, f"http://127.0.0.1:{port}"],
    )


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
