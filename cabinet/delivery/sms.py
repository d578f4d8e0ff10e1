"""Sending SMS (one-time sign-in codes). Only the embedded gateway exists: it writes a log line and a file."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

from cabinet import clock, settings

log = logging.getLogger(__name__)


@runtime_checkable
class SmsGateway(Protocol):
    def send(self, number: str, text: str) -> None: ...


class EmbeddedSmsGateway:
    """Appends `<ISO time> <number> <text>` to settings.sms_log (data/sms.log) and logs the same line."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None):
        self._path = Path(path) if path is not None else None

    @property
    def path(self) -> Path:
        return self._path or settings.get().sms_log

    def send(self, number: str, text: str) -> None:
        one_line = " ".join(str(text).split())
        line = f"{clock.now().isoformat(timespec='seconds')} {number} {one_line}"
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        log.info("SMS: %s", line)


GATEWAYS: dict[str, type] = {"embedded": EmbeddedSmsGateway}  # SMS_GATEWAY names one of these


def gateway(name: str) -> SmsGateway:
    """A gateway by its SMS_GATEWAY name; which one the cabinet uses is chosen in `cabinet.bootstrap`."""
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise RuntimeError(f"Unknown SMS_GATEWAY {name!r}; known: {', '.join(sorted(GATEWAYS))}") from None
