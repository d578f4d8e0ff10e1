"""`python -m cabinet.worker`: a worker process (until SIGINT/SIGTERM), or `--once` to do what is due and exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from cabinet import bootstrap
from cabinet.worker.loop import Worker

log = logging.getLogger("cabinet.worker")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cabinet.worker", description="Обработчик заявок и почты")
    parser.add_argument("--once", action="store_true", help="обработать все, что ждет, и выйти")
    parser.add_argument("--worker-id", default=None, help="имя обработчика (по умолчанию хост:pid:случайное)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = Worker(bootstrap.handler_registry(), **({"worker_id": args.worker_id} if args.worker_id else {}))
    if args.once:
        touched, sent = worker.run_once()
        log.info("Готово: заявок обработано %s, писем отправлено %s", touched, sent)
        return 0

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await worker.run_forever(stop)

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
