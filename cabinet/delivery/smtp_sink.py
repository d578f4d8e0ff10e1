"""The embedded SMTP server: every message it receives is stored as an .eml file a person can open.

Used in the embedded run mode (SMTP_HOST unset or «embedded») and by the tests. It runs aiosmtpd's
`Controller`, which serves from its own thread and event loop, so it can be started from sync or async code.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import os
import re
import socket
import tempfile
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

from cabinet import settings

log = logging.getLogger(__name__)

DATA_SIZE_LIMIT = 200 * 1024 * 1024  # call details of a large account are big attachments


class MaildirHandler:
    """aiosmtpd handler: one file per message, written to a temporary name, then renamed."""

    def __init__(self, mail_dir: Path):
        self.mail_dir = Path(mail_dir)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def _file_name(self, message_id: str) -> str:
        with self._lock:
            number = next(self._counter)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        tag = re.sub(r"[^A-Za-z0-9._-]+", "_", message_id.strip().strip("<>"))[:80].strip("._") or "no-id"
        return f"{stamp}-{number:05d}-{tag}.eml"

    def store(self, content: bytes) -> Path:
        headers = BytesHeaderParser().parsebytes(content)
        message_id = str(headers.get("Message-ID", "") or "")
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        target = self.mail_dir / self._file_name(message_id)
        fd, temp = tempfile.mkstemp(prefix=".incoming-", suffix=".tmp", dir=self.mail_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        try:
            path = self.store(content)
        except OSError as exc:
            log.error("Встроенный SMTP: не удалось сохранить письмо: %s", exc)
            return "451 Requested action aborted: local error in processing"
        log.info(
            "Встроенный SMTP: письмо от %s для %s сохранено в %s",
            envelope.mail_from, ", ".join(envelope.rcpt_tos), path,
        )
        return "250 Message accepted for delivery"


@dataclass
class SinkHandle:
    controller: Controller
    host: str
    port: int
    mail_dir: Path

    def stop(self) -> None:
        try:
            self.controller.stop()
        except AssertionError:  # already stopped
            pass
        log.info("Встроенный SMTP остановлен (%s:%s)", self.host, self.port)

    def messages(self) -> list[Path]:
        """The stored .eml files, oldest first."""
        return sorted(self.mail_dir.glob("*.eml")) if self.mail_dir.exists() else []


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_sink(host: str = "127.0.0.1", port: int | None = None, mail_dir: Path | None = None,
               handler: MaildirHandler | None = None) -> SinkHandle:
    """Start the sink on host:port (default: SMTP_PORT; 0 picks a free port); returns a handle with stop().
    `handler` answers the SMTP conversation instead of a plain MaildirHandler of `mail_dir`."""
    if port is None:
        port = settings.get().smtp_port
    if port == 0:
        port = free_port(host)
    if handler is not None:
        mail_dir = handler.mail_dir
    mail_dir = Path(mail_dir) if mail_dir is not None else settings.get().mail_dir
    mail_dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(
        handler or MaildirHandler(mail_dir),
        hostname=host,
        port=port,
        data_size_limit=DATA_SIZE_LIMIT,
        enable_SMTPUTF8=True,
        server_hostname="cabinet.local",
        ready_timeout=10,
    )
    controller.start()
    log.info("Встроенный SMTP слушает %s:%s, письма сохраняются в %s", host, port, mail_dir)
    return SinkHandle(controller, host, port, mail_dir)


def stop(handle: SinkHandle | None) -> None:
    if handle is not None:
        handle.stop()


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[SinkHandle | None]:
    """The embedded mode's SMTP server for as long as the app runs (a lifespan task): started off the event loop,
    stopped when the app stops. A port already taken is logged, and the app runs without it."""
    try:
        sink = await asyncio.to_thread(start_sink)
    except OSError as exc:
        log.error("Встроенный SMTP не запущен (порт %s): %s", settings.get().smtp_port, exc)
        sink = None
    try:
        yield sink
    finally:
        stop(sink)
