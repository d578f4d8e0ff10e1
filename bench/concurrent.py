"""Ten users in the cabinet while the worker does a 10,000-item request: each event's latency and errors, with the
worker idle and with it busy, in the same run; and the worker's rate beside its rate with no users.

The users. USERS simulated users in one process, each a thread of its own running its own event loop, as the
Reflex backend runs every event's service call in a thread (`cabinet.state.services.call_as` → asyncio.to_thread):
threads in one process are what one backend process does, GIL included; the worker is another process, as in the
scaled mode or `python -m cabinet.worker`. Each user signs in as the benchmark account's administrator through
`sign_in_with_password` (`call`, as the sign-in page does: a session of its own), takes the account in view from
`sessions.view`, opens «Абоненты» (`listing.subscribers_page`, as SubscribersState.load does), then, after a think
time of THINK_SECONDS (uniform; about one event a second each), one event of the mix at a time:
  page    `list_subscribers`, another page (sorted by number; mostly the first pages, sometimes any page);
  search  `list_subscribers` searched by 5 digits of a number the user sees on the page;
  filter  `list_subscribers` filtered by a status or a tariff of the filter's choices;
  card    `subscriber_card` of a subscriber on the page (CardState.load);
  order   `order_rename` of an active subscriber on the page (a request of one item, which the worker then does).
Every event goes through `call_as(token, service, …)`, so the actor is resolved and `last_seen_at` written as for a
page, and a locked database is retried once, then refused with `Busy`. Latency is the time of the `call_as` await;
an exception is an error (Busy counted apart; a DomainError is an error too: no event of the mix should be refused).

The phases, one run: (a) the worker process running, with no request but the users' own orders, for
IDLE_SECONDS; (b) a «Услуги» list request (`bulk.order_bulk_services`, as the page submits it, through `call_as`)
connecting one service for the first N subscribers of the account, until the worker has finished it; the users stop
then. (c) once the users' orders are done too, the same request for the next N subscribers, with no users: the
worker's rate alone, the baseline of its rate in (b). The service is the self-service one that the most of those
subscribers may get (allowed by their tariff, not yet connected); the others are refused by the handler, which is
work too. A request's time runs from its submission's answer to the moment its `finished_at` is seen (looked at
every POLL_SECONDS).

The worker: `cabinet.worker.Worker` with the cabinet's own handlers (`bootstrap.handler_registry()`) in a spawned
process, calling `process_next_request(max_items=RUN_BATCH)` as `run_forever` does, and waiting POLL_SECONDS when
idle. With PostgreSQL the same (one worker process). Benchmarks are not tests: nothing is asserted; the figures
are printed and written to bench/results/latest.json.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from bench import POSTGRESQL, SQLITE, Figure, ensure_bench_account, in_fresh_process, spawn, text_table
from bench.worker import pick_subscribers

USERS = 10
IDLE_SECONDS = 30.0
THINK_SECONDS = (0.5, 1.5)
POLL_SECONDS = 0.1
PAGE_SIZE = 25
MIX = {"page": 35, "search": 20, "filter": 15, "card": 20, "order": 10}
IDLE, BUSY = "worker idle", "worker busy"


# --- the worker process --------------------------------------------------------------------------------------

def worker_child(url: str, ready, stop, report) -> None:
    """In a spawned process: the cabinet's worker over `url` until `stop` is set; reports its failed cycles."""
    from cabinet import bootstrap, db
    from cabinet.worker import Worker
    from cabinet.worker.loop import RUN_BATCH

    db.set_engine(db.make_engine(url))
    worker = Worker(bootstrap.handler_registry(), worker_id="bench-concurrent")
    failures: list[str] = []
    ready.set()
    while not stop.is_set():
        try:
            busy = worker.process_next_request(max_items=RUN_BATCH)
        except Exception as error:  # as run_forever: logged, counted, the loop goes on
            failures.append(f"{type(error).__name__}: {error}"[:300])
            busy = False
        if not busy:
            stop.wait(POLL_SECONDS)
    report.put(failures)


# --- the users -----------------------------------------------------------------------------------------------

@dataclass
class Sample:
    phase: str
    kind: str
    seconds: float
    outcome: str  # "ok", "busy" or "error"
    message: str = ""


@dataclass
class Run:
    """What the users share: the phase now, the stop, the samples."""

    phase: str = IDLE
    stop: threading.Event = field(default_factory=threading.Event)
    signed_in: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    samples: list[Sample] = field(default_factory=list)
    setup_errors: list[str] = field(default_factory=list)
    sign_in_seconds: list[float] = field(default_factory=list)


async def _user(number: int, run: Run) -> None:
    from cabinet.seed import info
    from cabinet.services.auth import sessions
    from cabinet.services.auth import sign_in as auth
    from cabinet.services.errors import Busy
    from cabinet.services.subscribers import card, listing, operations
    from cabinet.state.services import call, call_as

    rng = random.Random(number)
    started = time.perf_counter()
    result = await call(auth.sign_in_with_password, login_kind="phone", login=info.BENCH_ADMIN,
                        password=info.PASSWORDS[info.BENCH_ADMIN], address=f"192.0.2.{number + 1}")
    token = result.token
    account_id = (await call(sessions.view, token=token)).account_id
    opened = await call_as(token, listing.subscribers_page, account_id=account_id, search="", tariff_id=None,
                           status=None, sort="number", descending=False, page_size=PAGE_SIZE)
    run.sign_in_seconds.append(time.perf_counter() - started)
    tariffs = [tariff_id for tariff_id, _ in opened.filters.tariffs]
    statuses = [value for value, _ in opened.filters.statuses]
    rows, pages = list(opened.subscribers.rows), opened.subscribers.pages
    run.signed_in.release()
    kinds, weights = list(MIX), list(MIX.values())
    orders = 0

    def listed(**shown):
        return call_as(token, listing.list_subscribers, account_id=account_id, sort="number", descending=False,
                       page_size=PAGE_SIZE, **shown)

    while not run.stop.is_set():
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))
        kind = rng.choices(kinds, weights)[0]
        shown = rows[rng.randrange(len(rows))] if rows else None
        if kind == "page":
            event = listed(page=rng.randint(1, min(pages, 20)) if rng.random() < 0.8 else rng.randint(1, pages))
        elif kind == "search" and shown is not None:
            at = rng.randrange(3, len(shown.number) - 5)
            event = listed(search=shown.number[at:at + 5])
        elif kind == "filter":
            event = listed(status=rng.choice(statuses)) if rng.random() < 0.5 else listed(tariff_id=rng.choice(tariffs))
        elif kind == "order" and (active := [r for r in rows if r.status == "active"]):
            orders += 1
            event = call_as(token, operations.order_rename, subscriber_id=rng.choice(active).id,
                            name=f"Пользователь {number + 1}, имя {orders}", idempotency_key=uuid.uuid4().hex)
        elif shown is not None:
            kind = "card"
            event = call_as(token, card.subscriber_card, subscriber_id=shown.id)
        else:
            kind = "page"
            event = listed(page=1)
        phase, began = run.phase, time.perf_counter()
        try:
            found = await event
        except Busy as refusal:
            run.samples.append(Sample(phase, kind, time.perf_counter() - began, "busy", refusal.message))
            continue
        except Exception as error:
            run.samples.append(Sample(phase, kind, time.perf_counter() - began, "error",
                                      f"{type(error).__name__}: {error}"[:300]))
            continue
        run.samples.append(Sample(phase, kind, time.perf_counter() - began, "ok"))
        if kind in ("page", "search", "filter") and found.rows:
            rows, pages = list(found.rows), found.pages if kind == "page" else pages


def _user_thread(number: int, run: Run) -> None:
    try:
        asyncio.run(_user(number, run))
    except Exception as error:  # the sign-in or the first page failed: this user never started
        run.setup_errors.append(f"user {number + 1}: {type(error).__name__}: {error}"[:300])
        run.signed_in.release()


# --- the run -------------------------------------------------------------------------------------------------

def _account_and_service(url: str, ids: list[int]) -> tuple[int, int, str]:
    """The benchmark account, and the self-service service of its kind that the most of the subscribers `ids`
    may get now (active, allowed by their tariff, not connected yet)."""
    from sqlalchemy import and_, func, select

    from cabinet import db
    from cabinet.models import PersonalAccount, Service, Subscriber, SubscriberService, TariffService
    from cabinet.seed import info

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            account_id, kind = connection.execute(select(PersonalAccount.id, PersonalAccount.kind).where(
                PersonalAccount.number == info.BENCH_ACCOUNT)).one()
            connected = select(SubscriberService.subscriber_id).where(
                SubscriberService.subscriber_id == Subscriber.id, SubscriberService.service_id == Service.id)
            service_id, name = connection.execute(
                select(Service.id, Service.name)
                .join(TariffService, and_(TariffService.service_id == Service.id, TariffService.mode == "allowed"))
                .join(Subscriber, Subscriber.tariff_id == TariffService.tariff_id)
                .where(Service.kind == kind, Service.self_service.is_(True), Subscriber.account_id == account_id,
                       Subscriber.id.between(min(ids), max(ids)), Subscriber.status == "active",
                       ~connected.exists())
                .group_by(Service.id, Service.name)
                .order_by(func.count().desc(), Service.id)
                .limit(1)
            ).one()
    finally:
        engine.dispose()
    return account_id, service_id, name


def _percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def _stats(samples: list[Sample]) -> dict[str, Any]:
    times = [s.seconds for s in samples]
    failed = [s for s in samples if s.outcome != "ok"]
    return {"events": len(samples), "p50_ms": round(_percentile(times, 0.5) * 1e3, 1),
            "p95_ms": round(_percentile(times, 0.95) * 1e3, 1), "max_ms": round(max(times, default=0) * 1e3, 1),
            "errors": sum(s.outcome == "error" for s in samples), "busy": sum(s.outcome == "busy" for s in samples),
            "messages": sorted({s.message for s in failed})[:5]}


def measure_child(url: str, ids: list[int], idle_seconds: float) -> dict[str, Any]:
    """In a fresh process: the worker process started, the users in threads, the three phases (see the module)."""
    from sqlalchemy import func, select

    from cabinet import db
    from cabinet.models import Request, RequestKind
    from cabinet.seed import info
    from cabinet.services.auth import sign_in as auth
    from cabinet.services.bulk import orders
    from cabinet.services.subscribers.choice import Choice
    from cabinet.state.services import call, call_as

    half = len(ids) // 2
    account_id, service_id, service_name = _account_and_service(url, ids[:half])
    db.set_engine(db.make_engine(url))
    context = spawn()
    ready, stop, report = context.Event(), context.Event(), context.Queue()
    worker = context.Process(target=worker_child, args=(url, ready, stop, report))
    worker.start()
    run = Run()
    users = [threading.Thread(target=_user_thread, args=(n, run), name=f"user {n + 1}") for n in range(USERS)]
    try:
        if not ready.wait(120):
            raise RuntimeError("the worker process did not start")
        token = asyncio.run(call(auth.sign_in_with_password, login_kind="phone", login=info.BENCH_ADMIN,
                                 password=info.PASSWORDS[info.BENCH_ADMIN], address="192.0.2.100")).token

        def finished(request_id: int) -> bool:
            with db.engine().connect() as connection:
                return connection.execute(
                    select(Request.finished_at).where(Request.id == request_id)).scalar_one() is not None

        def unfinished() -> int:
            with db.engine().connect() as connection:
                return connection.execute(select(func.count()).select_from(Request).where(
                    Request.finished_at.is_(None))).scalar_one()

        def big_request(chosen: list[int], key: str) -> dict[str, Any]:
            """Submit the «Услуги» list request as the page does; return when the worker has finished it."""
            began = time.perf_counter()
            result = asyncio.run(call_as(token, orders.order_bulk_services, account_id=account_id,
                                         choice=Choice(subscriber_ids=chosen), service_id=service_id, connect=True,
                                         idempotency_key=key))
            submitted = time.perf_counter()
            while not finished(result.request_id):
                time.sleep(POLL_SECONDS)
            return {"request_id": result.request_id, "submit_seconds": submitted - began,
                    "seconds": time.perf_counter() - submitted}

        for user in users:
            user.start()
        for _ in users:
            run.signed_in.acquire()
        time.sleep(idle_seconds)
        run.phase = BUSY
        busy = big_request(ids[:half], f"bench-concurrent-{uuid.uuid4().hex}")
        run.stop.set()
        for user in users:
            user.join(timeout=120)
        while unfinished():  # the users' last orders
            time.sleep(POLL_SECONDS)
        alone = big_request(ids[half:], f"bench-concurrent-{uuid.uuid4().hex}")
    finally:
        run.stop.set()
        stop.set()
        worker.join(timeout=120)
        if worker.is_alive():
            worker.terminate()
    failures = report.get(timeout=10) if worker.exitcode == 0 else [f"worker process exit code {worker.exitcode}"]

    with db.engine().connect() as connection:
        outcomes = {row.id: row for row in connection.execute(
            select(Request.id, Request.status, Request.done_items, Request.refused_items, Request.total_items)
            .where(Request.id.in_([busy["request_id"], alone["request_id"]])))}
        renames = connection.execute(
            select(Request.status, func.count()).where(Request.kind == RequestKind.RENAME.value,
                                                        Request.idempotency_key.not_like("bench-%"))
            .group_by(Request.status)).all()
    db.engine().dispose()

    def outcome(request_id: int) -> str:
        row = outcomes[request_id]
        return f"{row.status}: {row.done_items:,} done, {row.refused_items:,} refused of {row.total_items:,}"

    phases = {phase: [s for s in run.samples if s.phase == phase] for phase in (IDLE, BUSY)}
    kinds = ["all", *MIX]
    return {
        "stats": {phase: {kind: _stats([s for s in samples if kind == "all" or s.kind == kind]) for kind in kinds}
                  for phase, samples in phases.items()},
        "busy": busy, "alone": alone, "items": half,
        "service": service_name, "busy_outcome": outcome(busy["request_id"]),
        "alone_outcome": outcome(alone["request_id"]),
        "users_orders": {status: count for status, count in renames},
        "setup_errors": run.setup_errors, "worker_failures": failures,
        "sign_in_seconds": round(max(run.sign_in_seconds, default=0.0), 2),
        "idle_seconds": idle_seconds,
    }


def run(url: str, *, subscribers: int, items: int, idle_seconds: float = IDLE_SECONDS) -> dict[str, list]:
    """Measure on the database at `url` (its benchmark account seeded first if it has none): {"figures": [the
    worker's rate with the users beside its rate alone], "concurrent": [one row per phase and event kind]}."""
    backend = POSTGRESQL if url.startswith("postgresql") else SQLITE
    account_size = in_fresh_process(ensure_bench_account, url, max(subscribers, 2 * items))
    ids = in_fresh_process(pick_subscribers, url, 2 * items)
    found = in_fresh_process(measure_child, url, ids, idle_seconds)
    count = found["items"]
    notes: dict[str, Any] = {
        "account": f"{account_size:,} subscribers",
        "request": f"«Услуги», connect «{found['service']}» for {count:,} subscribers",
        "with users": found["busy_outcome"], "alone": found["alone_outcome"],
        "submit (order_bulk_services)": f"{found['busy']['submit_seconds']:.2f} s with users, "
                                        f"{found['alone']['submit_seconds']:.2f} s alone",
        "users' own orders": ", ".join(f"{status} {n}" for status, n in sorted(found["users_orders"].items())),
        "sign-in, account and first page (slowest user)": f"{found['sign_in_seconds']:.2f} s",
    }
    if found["setup_errors"] or found["worker_failures"]:
        notes["failures"] = "; ".join(found["setup_errors"] + found["worker_failures"])[:600]
    figure = Figure(f"worker, {count:,} items, {USERS} users paging", backend, "items/s", count,
                    found["busy"]["seconds"], "the same worker, no users", count, found["alone"]["seconds"],
                    notes=notes)
    rows = [{"backend": backend, "phase": phase, "event": kind, **stats,
             **({"seconds": found["idle_seconds"]} if phase == IDLE else
                {"seconds": round(found["busy"]["seconds"], 1)} if kind == "all" else {})}
            for phase, by_kind in found["stats"].items() for kind, stats in by_kind.items()]
    return {"figures": [figure], "concurrent": rows}


def format_rows(rows: list[dict]) -> str:
    """Per event kind: count, p50/p95/max latency, errors and Busy refusals, the idle phase beside the busy one."""
    by = {(row["backend"], row["event"], row["phase"]): row for row in rows}
    headers = ("Event", "DB", "n", "p50", "p95", "max", "err", "busy", "│", "n", "p50", "p95", "max", "err",
               "busy")
    cells, notes = [], []
    for backend, event in dict.fromkeys((row["backend"], row["event"]) for row in rows):
        line: list[Any] = [event, backend]
        messages: list[str] = []
        for phase in (IDLE, BUSY):
            row = by.get((backend, event, phase))
            if row is None:
                line += ["—"] * 6
            else:
                line += [f"{row['events']:,}", f"{row['p50_ms']:,.0f} ms", f"{row['p95_ms']:,.0f} ms",
                         f"{row['max_ms']:,.0f} ms", row["errors"], row["busy"]]
                messages += [f"{phase}: {m}" for m in row["messages"]]
            if phase == IDLE:
                line.append("│")
        cells.append(tuple(line))
        notes.append("; ".join(messages))
    out = [f"Users' events: {IDLE} (left of │) beside {BUSY} on a {USERS}-user load (right of │)",
           *text_table(headers, cells, {2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}, notes),
           "Latency of one service call as a page makes it (call_as); err: any exception but Busy; busy: refused "
           "«Сервер занят…» after its one retry."]
    return "\n".join(out)
