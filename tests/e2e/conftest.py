"""Browser tests: the cabinet started once in production mode on a seeded temporary database, driven by
Playwright in Debian's Chromium at desktop size and at 768×1024 with touch."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.helpers import wait_ready

ROOT = Path(__file__).resolve().parents[2]
# The browser tests live on the 5th of a month: the last invoice is issued, payment registration is open.
E2E_TODAY = dt.date(2026, 11, 5)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "tablet": {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cabinet:
    """The running app and where its embedded mail and SMS land."""

    def __init__(self, url: str, data_dir: Path, env: dict[str, str]):
        self.url = url
        self.data_dir = data_dir
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.data_dir / "app.log"
        with open(log, "a") as output:
            self.process = subprocess.Popen([sys.executable, "-m", "cabinet.launch"], cwd=ROOT, env=self.env,
                                            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_until_up(self.url, self.process, log)

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    def mails(self) -> list[Path]:
        return sorted(self.mail_dir.glob("*.eml"))

    def wait_for_mail(self, count_before: int, timeout: float = 30) -> Path:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.mails()
            if len(found) > count_before:
                return found[-1]
            time.sleep(0.3)
        raise AssertionError("No e-mail arrived in the embedded SMTP server.")

    def sms_lines(self) -> list[str]:
        path = self.data_dir / "sms.log"
        return path.read_text().splitlines() if path.exists() else []


@pytest.fixture(scope="session")
def cabinet():
    data_dir = Path(tempfile.mkdtemp(prefix="cabinet-e2e-"))
    port, smtp_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "CABINET_DATA_DIR": str(data_dir),
        "CABINET_TODAY": E2E_TODAY.isoformat(),
        "PORT": str(port),
        "SMTP_PORT": str(smtp_port),
        "WORKER_POLL_SECONDS": "0.3",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("SMTP_HOST", None)
    running = Cabinet(f"http://localhost:{port}", data_dir, env)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The cabinet did not start:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as response:
                if response.status == 200:
                    with urllib.request.urlopen(url + "/ping", timeout=2):
                        return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"The cabinet did not answer in {timeout} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--no-first-run"],
        )
        yield browser
        browser.close()


def open_page(browser, cabinet, device: str):
    """A page in a new browser context at the device's size (`page.context` closes it), whose `goto` returns once
    the page it opens is ready (helpers.wait_ready)."""
    context = browser.new_context(locale="ru-RU", base_url=cabinet.url, **VIEWPORTS[device])
    page = context.new_page()
    page.device = device
    goto = page.goto

    def goto_ready(url: str, **options):
        response = goto(url, **options)
        wait_ready(page)
        return response

    page.goto = goto_ready
    return page


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, cabinet):
    page = open_page(browser, cabinet, request.param)
    page.context.set_default_timeout(20_000)
    yield page
    page.context.close()
