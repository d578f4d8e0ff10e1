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
