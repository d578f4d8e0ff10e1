"""One worker: takes the oldest request with claimable items, does them in batches, closes the request, sends the
due e-mails; over and over until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from cabinet import db, settings
from cabinet.delivery.mailer import send_due_emails
from cabinet.services.requests import letters
from cabinet.services.requests.handling import Registry
from cabinet.worker.batch import Batches, Limits, halted
from cabinet.worker.claims import (
    claim_items,
    default_worker_id,
    mark_started,
    pick_request,
    release_items,
    renew_items,
)
from cabinet.worker.finishing import Finisher

log = logging.getLogger("cabinet.worker")

RUN_BATCH = 500  # items per process_next_request call in run_forever, so a stop is noticed soon
# SQLite has one writer at a time, and a writer that waits for it looks again only every 100 ms or so: between two
# of the worker's transactions it pauses a quarter of the last one's time (at most this), so that a user's write
# gets its turn within about one transaction instead of waiting for the whole request.
SQLITE_WRITER_GAP = 0.1


@dataclass
class Worker:
    """A worker handed the registry of handlers (see `cabinet.bootstrap`); tests hand it their own."""

    registry: Registry
    worker_id: str = field(default_factory=default_worker_id)
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        self._batches = Batches(self.registry, self.worker_id, self.limits)
        self._finisher = Finisher(self.registry)

    def process_next_request(self, *, max_items: int | None = None, halt: threading.Event | None = None) -> bool:
        """Take the oldest request with claimable items and do its items, in batches (one transaction each).

        Stops after `max_items` items or when `halt` is set (committing what the current batch has done and giving
        back the items claimed but not reached); closes the request when no waiting item remains.
        Returns True when there was something to do.
        """
        did_work = self._finisher.finish_completed_requests()
        request_id = pick_request()
        if request_id is None:
            return did_work
        mark_started(request_id)
        processed = 0
        while not halted(halt) and (max_items is None or processed < max_items):
            limit = self.limits.claim_batch if max_items is None else min(self.limits.claim_batch,
                                                                            max_items - processed)
            claimed = claim_items(request_id, self.worker_id, limit)
            if not claimed:
                break
            while claimed and not halted(halt):
                started = time.monotonic()
                attempted, claimed = self._batches.run(request_id, claimed, halt)
                processed += attempted
                renew_items(claimed, self.worker_id)
                self._let_others_write(time.monotonic() - started)
            release_items(claimed, self.worker_id)
        self._finisher.finish_if_complete(request_id)
        return True

    def _let_others_write(self, busy_seconds: float) -> None:
        if db.write_engine().dialect.name == "sqlite":
            time.sleep(min(SQLITE_WRITER_GAP, busy_seconds / 4))

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Process requests and send due e-mails until `stop` is set (or the task is cancelled)."""
        halt = threading.Event()
        log.info("Обработчик заявок %s запущен", self.worker_id)
        try:
            while not stop.is_set():
                busy = False
                try:
                    if not settings.get().worker_pause_file.exists():
                        busy = await asyncio.to_thread(self.process_next_request, max_items=RUN_BATCH, halt=halt)
                    busy = await send_due_emails(self.worker_id, tell=letters.tell) > 0 or busy
                except Exception:
                    log.exception("Сбой цикла обработчика %s", self.worker_id)
                    busy = False
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), settings.get().worker_poll_seconds)
        finally:
            halt.set()
            log.info("Обработчик заявок %s остановлен", self.worker_id)

    def run_once(self) -> tuple[int, int]:
        """Do everything due now and return (requests touched, e-mails sent). Items waiting for a retry stay."""
        touched = 0
        while self.process_next_request():
            touched += 1

        async def drain() -> int:
            total = 0
            while (sent := await send_due_emails(self.worker_id, tell=letters.tell)) > 0:
                total += sent
            return total

        return touched, asyncio.run(drain())

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[Worker]:
        """The worker for as long as the block runs (the app's lifespan task in the embedded mode)."""
        stop = asyncio.Event()
        task = asyncio.create_task(self.run_forever(stop), name=f"worker {self.worker_id}")
        try:
            yield self
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task
