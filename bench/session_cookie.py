"""What the cookie session adds to every event: the token read from the websocket handshake's Cookie header
(`session_cookie.token_in`, as `SessionState._token` does for every service call), beside the event's own work in
the same run: `call_as(token, list_subscribers, …)`, one page of «Абоненты» of the benchmark account, with the
actor resolved from the token as for every event.

    python -m bench.session_cookie [--subscribers N] [--events N]

On a fresh SQLite file: the demo and the benchmark account (`seed_bench`, N subscribers). The Cookie header is a
browser's: the session's cookie among a few others. Benchmarks are not tests: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench import ensure_bench_account, sqlite_url, text_table

BATCH = 20_000  # cookie reads per timed batch
BATCHES = 7


def _cookie_read_microseconds(header: str) -> float:
    """The median over BATCHES of one `token_in` call's time, in µs."""
    from cabinet import session_cookie

    times = []
    for _ in range(BATCHES):
        start = time.perf_counter()
        for _ in range(BATCH):
            session_cookie.token_in(header)
        times.append((time.perf_counter() - start) / BATCH * 1e6)
    return statistics.median(times)


def _event_milliseconds(token: str, account_id: int, events: int) -> float:
    """The median time of one event's service call (a page of the subscribers list), in ms."""
    from cabinet.services.subscribers import listing
    from cabinet.state.services import call_as

    async def every_event() -> list[float]:  # one event loop, as the backend's: none is started per event
        times = []
        for n in range(events):
            start = time.perf_counter()
            await call_as(token, listing.list_subscribers, account_id=account_id, page=1 + n % 4, page_size=25)
            times.append((time.perf_counter() - start) * 1e3)
        return times

    return statistics.median(asyncio.run(every_event()))


def run(url: str, *, subscribers: int, events: int) -> list[str]:
    from cabinet import db, session_cookie
    from cabinet.seed import info
    from cabinet.services.auth import sessions
    from cabinet.services.auth import sign_in as auth
    from cabinet.state.services import call

    ensure_bench_account(url, subscribers)
    db.set_engine(db.make_engine(url))
    token = asyncio.run(call(auth.sign_in_with_password, login_kind="phone", login=info.BENCH_ADMIN,
                             password=info.PASSWORDS[info.BENCH_ADMIN], address="192.0.2.1")).token
    account_id = int(asyncio.run(call(sessions.view, token=token)).account_id or 0)
    header = (f"theme=light; _ym_uid=1712345678901234567; {session_cookie.NAME}={token}; "
              "consent=analytics%3Dno; lang=ru")
    assert session_cookie.token_in(header) == token
    cookie = _cookie_read_microseconds(header)
    event = _event_milliseconds(token, account_id, events)
    rows = [("token from the Cookie header", f"{cookie:,.1f} µs", f"{event:,.2f} ms",
             f"{cookie / (event * 1e3):.2%}")]
    return text_table(("Added per event", "Time", "Event's service call (baseline)", "Share"), rows, {1, 2, 3})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for line in run(sqlite_url(Path(scratch) / "bench.db"), subscribers=args.subscribers, events=args.events):
            print(line)


if __name__ == "__main__":
    main()
