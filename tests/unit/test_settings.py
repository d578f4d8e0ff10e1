"""The settings as an operator sets them: every variable from the environment, the embedded defaults, a wrong
value refused with the variable named, and CABINET_TODAY moving the one clock."""

from __future__ import annotations

import datetime as dt

import pytest

from cabinet import clock, settings
from cabinet.delivery.smtp_sink import free_port

VARIABLES = ["CABINET_DATA_DIR", "DATABASE_URL", "REDIS_URL", "PORT", "PUBLIC_URL", "SECRET_KEY", "SMTP_HOST",
             "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS", "MAIL_FROM", "RUN_WORKER_IN_APP",
             "WORKER_POLL_SECONDS", "SMS_GATEWAY", "SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS", "CORS_ORIGINS",
             "CABINET_TODAY"]


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment (none of the cabinet's variables) with data under tmp_path; settings re-read."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CABINET_DATA_DIR", str(tmp_path / "data"))

    def set_and_read(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        settings.reset()
        return settings.get()

    yield set_and_read
    settings.reset()


def test_nothing_set_gives_the_embedded_mode(env, tmp_path):
    current = env()
    data = (tmp_path / "data").resolve()
    assert current.data_dir == data and current.database_url == f"sqlite:///{data / 'cabinet.db'}"
    assert (current.port, current.smtp_port) == (settings.DEFAULT_PORT, settings.EMBEDDED_SMTP_PORT)
    assert current.embedded_smtp and not current.smtp_tls
    assert current.mail_dir == data / "mail" and current.sms_log == data / "sms.log"
    assert current.run_worker_in_app and current.redis_url is None and not current.is_postgres
    assert (current.worker_poll_seconds, current.sms_gateway, current.today) == (1.0, "embedded", None)


def test_the_address_and_the_allowed_origins_follow_the_port(env):
    port = free_port()
    current = env(PORT=str(port))
    assert (current.port, current.public_url) == (port, f"http://localhost:{port}")
    assert current.cors_origins == [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def test_the_embedded_secret_is_made_once_and_kept_in_data(env, tmp_path):
    first = env().secret_key
    assert len(first) == 64 and (tmp_path / "data" / "secret.key").read_text().strip() == first
    assert env().secret_key == first  # a restart signs links with the same key
    assert env(SECRET_KEY="shared-by-every-host").secret_key == "shared-by-every-host"


def test_the_scaled_settings_are_read(env):
    port, smtp_port = free_port(), free_port()
    current = env(DATABASE_URL="postgresql+psycopg2://u:p@db/cabinet", REDIS_URL="redis://cache:6379",
                  PORT=str(port), PUBLIC_URL="https://lk.example.by/", SMTP_HOST="mail.example.by",
                  SMTP_PORT=str(smtp_port),
                  SMTP_TLS="yes", WORKER_POLL_SECONDS="0.25", SMS_GATEWAY=" Embedded ",
                  CORS_ORIGINS="https://lk.example.by, https://lk2.example.by,")
    assert current.is_postgres and current.redis_url == "redis://cache:6379"
    assert not current.run_worker_in_app  # with Redis the worker runs as its own processes
    assert (current.port, current.public_url) == (port, "https://lk.example.by")
    assert not current.embedded_smtp and (current.smtp_port, current.smtp_tls) == (smtp_port, True)
    assert (current.worker_poll_seconds, current.sms_gateway) == (0.25, "embedded")
    assert current.cors_origins == ["https://lk.example.by", "https://lk2.example.by"]
    assert env(RUN_WORKER_IN_APP="1").run_worker_in_app


def test_an_empty_variable_counts_as_unset(env):
    current = env(PORT="", SMTP_HOST="", DATABASE_URL="")
    assert (current.port, current.smtp_host) == (settings.DEFAULT_PORT, "embedded")
    assert current.database_url.startswith("sqlite")


@pytest.mark.parametrize(("name", "value", "words"), [
    ("PORT", "drei tausend", "PORT=drei tausend"),
    ("PORT", "70000", "PORT=70000"),
    ("SMTP_PORT", "25x", "SMTP_PORT=25x"),
    ("WORKER_POLL_SECONDS", "0", "WORKER_POLL_SECONDS=0"),
    ("SMTP_TLS", "maybe", "SMTP_TLS=maybe"),
    ("CABINET_TODAY", "16.11.2026", "CABINET_TODAY=16.11.2026: expected a date as YYYY-MM-DD"),
])
def test_a_wrong_value_is_refused_naming_the_variable(env, name, value, words):
    with pytest.raises(settings.SettingsError) as refused:
        env(**{name: value})
    assert words in str(refused.value)
    assert "default factory" not in str(refused.value)  # only the variable that is wrong, not what follows from it


def test_cabinet_today_moves_the_clock_and_the_time_of_day_still_flows(env):
    clock.set_now(None)
    env(CABINET_TODAY="2026-03-10")
    moved = clock.now()
    real = dt.datetime.now(clock.MINSK).replace(tzinfo=None)
    assert moved.date() == clock.today() == dt.date(2026, 3, 10)
    assert abs((moved - (real + (moved.date() - real.date()))).total_seconds()) < 5  # the same time of day
    env(CABINET_TODAY="")
    assert clock.today() == dt.datetime.now(clock.MINSK).date()
    clock.set_now(dt.date(2026, 11, 16))  # a test's clock wins over CABINET_TODAY
    env(CABINET_TODAY="2026-03-10")
    assert clock.today() == dt.date(2026, 11, 16)
