"""Unit tests deliver mail only to a server they started themselves."""

from __future__ import annotations

import socket

import pytest

from cabinet import settings


@pytest.fixture(autouse=True)
def no_stray_mail_server(monkeypatch):
    """SMTP points at a port held closed for the test (bound, never listening), so a server that happens to listen
    on the default port never receives the tests' letters; a test that starts a sink sets its own port."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("SMTP_PORT", str(closed.getsockname()[1]))
        settings.reset()
        yield
    settings.reset()


@pytest.fixture
def embedded_mail(monkeypatch, tmp_path):
    """The embedded mode's mail settings: a free port of its own, data under tmp_path; no server started."""
    from cabinet.delivery import smtp_sink

    monkeypatch.setenv("CABINET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("SMTP_HOST", "embedded")
    monkeypatch.setenv("SMTP_PORT", str(smtp_sink.free_port()))
    settings.reset()
    yield
    settings.reset()


@pytest.fixture
def mail_sink(embedded_mail):
    """The embedded SMTP sink, listening on the test's own port."""
    from cabinet.delivery import smtp_sink

    sink = smtp_sink.start_sink()
    yield sink
    sink.stop()


@pytest.fixture
def world(session):
    """An account with its administrator and delivery addresses, a sibling account and another company
    (`make_world`); a test module that needs another world defines its own `world`."""
    from tests.unit.finance_factories import make_world

    return make_world(session)


@pytest.fixture
def data_dir(monkeypatch, tmp_path):
    """The exports and the embedded secret under the test's own folder."""
    monkeypatch.setenv("CABINET_DATA_DIR", str(tmp_path / "data"))
    settings.reset()
    yield tmp_path / "data"
    settings.reset()
