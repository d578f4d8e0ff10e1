"""The request worker: one request of N items (default 10,000), beside the same UPDATEs done bare.

The measured run: `submit_request` stores one request with an item per subscriber of the benchmark account
(timed apart, shown as a note), then `Worker.process_next_request` is called until it finds nothing to do; the
time of that loop gives items/s. Each item goes the worker's full path: claimed in batches (a committed lease),
then done in transactions of several items (`cabinet.worker.Limits`): the transaction's items locked and
loaded in one SELECT, each item's handler run in a savepoint of its own, the items' results and the request's
counters written once per transaction, commit; then the request is closed.

The handler is the benchmark's own: it renames the subscriber (one UPDATE of one row, bumping `version`).
`RequestKind` is a closed enum that `submit_request` checks, so the request is submitted as RequestKind.RENAME
and the benchmark's worker is handed a registry in which the RENAME handler is this one; no real handler takes
part.

The baseline: the same N single-row UPDATEs (same subscribers, other names), each committed on its own,
through a bare SQLAlchemy connection of an engine made by `cabinet.db.make_engine` (same SQLite pragmas).

With PostgreSQL a second round runs two processes at once: two workers on a second request of N items, beside
two bare connections doing half of the UPDATEs each; the rate is the total items over the wall time.
"""

from __future__ import annotations

import time

from bench import POSTGRESQL, SQLITE, Figure, ensure_bench_account, in_fresh_process, peak_rss_mb, spawn

ITEM_NAME = "Нагрузка {}"
BASELINE_NAME = "Базовая {}"


# --- the benchmark's handler --------------------------------------------------------------------------------

def rename_subscriber(session, request, item) -> str:
    """One small real write per item: the subscriber's new name, with its version bumped."""
    from sqlalchemy import update

    from cabinet.models import Subscriber

    session.execute(
        update(Subscriber.__table__)
        .where(Subscriber.id == item.subscriber_id)
        .values(name=item.params["name"], version=Subscriber.version + 1)
    )
    return "Выполнено"


def _start_worker_process(url: str, worker_id: str):
    """Point this process's cabinet at `url`; a worker handed the benchmark's handler alone."""
    from cabinet import db
    from cabinet.models import RequestKind
    from cabinet.services.requests.handling import Registry
    from cabinet.worker import Worker

    db.set_engine(db.make_engine(url))
    return Worker(Registry(handlers={RequestKind.RENAME.value: rename_subscriber}), worker_id=worker_id)


# --- steps, each run in a fresh process ---------------------------------------------------------------------

def pick_subscribers(url: str, count: int) -> list[int]:
    """The first `count` subscribers (by id) of the benchmark account."""
    from sqlalchemy import select

    from cabinet import db
    from cabinet.models import PersonalAccount, Subscriber
    from cabinet.seed import info

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            account_id = connection.execute(
                select(PersonalAccount.id).where(PersonalAccount.number == info.BENCH_ACCOUNT)
            ).scalar_one()
            return list(connection.execute(
                select(Subscriber.id).where(Subscriber.account_id == account_id).order_by(Subscriber.id).limit(count)
            ).scalars())
    finally:
        engine.dispose()


def submit_child(url: str, subscriber_ids: list[int], key: str) -> dict:
    """Submit one request with an item per subscriber, as the benchmark account's administrator."""
    from sqlalchemy import select
    from sqlmodel import Session

    from cabinet import db
    from cabinet.models import PersonalAccount, RequestKind, Role, User
    from cabinet.seed import info
    from cabinet.services.access import Actor
    from cabinet.services.requests.store import ItemDraft, submit_request

    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            account = session.execute(
                select(PersonalAccount).where(PersonalAccount.number == info.BENCH_ACCOUNT)
            ).scalar_one()
            user = session.execute(select(User).where(User.login == info.BENCH_ADMIN)).scalar_one()
            actor = Actor(user_id=user.id, organization_id=account.organization_id, role=Role.ADMINISTRATOR.value,
                          accounts=frozenset({(account.id, account.kind)}))
            items = [ItemDraft(subscriber_id=sid, params={"name": ITEM_NAME.format(n)})
                     for n, sid in enumerate(subscriber_ids, start=1)]
            started = time.perf_counter()
            request = submit_request(session, actor=actor, account_id=account.id, kind=RequestKind.RENAME,
                                     params={}, items=items, idempotency_key=key, summary="Нагрузочный тест")
            session.commit()
            return {"request_id": request.id, "seconds": time.perf_counter() - started}
    finally:
        engine.dispose()


def process_child(url: str, worker_id: str) -> dict:
    """One worker: process_next_request until there is nothing left to do."""
    worker = _start_worker_process(url, worker_id)
    started = time.perf_counter()
    while worker.process_next_request():
        pass
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def _update_one_by_one(url: str, subscriber_ids: list[int], first: int) -> float:
    from sqlalchemy import text

    from cabinet import db

    statement = text("UPDATE subscriber SET name = :name, version = version + 1 WHERE id = :id")
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            started = time.perf_counter()
            for n, sid in enumerate(subscriber_ids, start=first):
                connection.execute(statement, {"name": BASELINE_NAME.format(n), "id": sid})
                connection.commit()
            return time.perf_counter() - started
    finally:
        engine.dispose()


def baseline_child(url: str, subscriber_ids: list[int]) -> dict:
    return {"seconds": _update_one_by_one(url, subscriber_ids, 1), "peak_rss_mb": peak_rss_mb()}


def request_outcome(url: str, request_id: int) -> dict:
    from sqlalchemy import func, select

    from cabinet import db
    from cabinet.models import Request, Subscriber

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            request = connection.execute(select(Request).where(Request.id == request_id)).one()
            renamed = connection.execute(
                select(func.count()).select_from(Subscriber).where(Subscriber.name.like(ITEM_NAME.format("%")))
            ).scalar_one()
        return {"status": request.status, "done": request.done_items, "refused": request.refused_items,
                "renamed": renamed}
    finally:
        engine.dispose()


# --- several processes at once ------------------------------------------------------------------------------

def _parallel_worker(url: str, worker_id: str, ready, go, results) -> None:
    worker = _start_worker_process(url, worker_id)
    ready.put(worker_id)
    go.wait()
    while worker.process_next_request():
        pass
    results.put(time.perf_counter())


def _parallel_baseline(url: str, subscriber_ids: list[int], first: int, ready, go, results) -> None:
    from cabinet import db  # noqa: F401  (imported before the start, like the workers)

    ready.put(first)
    go.wait()
    _update_one_by_one(url, subscriber_ids, first)
    results.put(time.perf_counter())


def run_parallel(target, argument_sets: list[tuple]) -> float:
    """Start one spawned process per argument set; once all are ready, let them go together; the wall time
    from the go to the last one's end."""
    context = spawn()
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    processes = [context.Process(target=target, args=(*arguments, ready, go, results)) for arguments in argument_sets]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=120)
        started = time.perf_counter()
        go.set()
        ended = max(results.get(timeout=900) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=60)
    failed = [process.exitcode for process in processes if process.exitcode != 0]
    if failed:
        raise RuntimeError(f"a benchmark process failed (exit codes {failed})")
    return ended - started


# --- the benchmark ------------------------------------------------------------------------------------------

def _outcome_note(outcome: dict) -> str:
    return (f"request {outcome['status']}: {outcome['done']:,} done, {outcome['refused']:,} refused; "
            f"{outcome['renamed']:,} subscribers renamed")


def run(url: str, *, items: int, subscribers: int, parallel: bool, tag: str) -> list[Figure]:
    """Measure the worker on the database at `url` (its benchmark account is seeded with `subscribers` first if
    it has none). `parallel`: also two processes at once (PostgreSQL)."""
    backend = POSTGRESQL if url.startswith("postgresql") else SQLITE
    account_size = in_fresh_process(ensure_bench_account, url, max(subscribers, items))
    ids = in_fresh_process(pick_subscribers, url, items)
    count = len(ids)
    baseline = "bare UPDATE + COMMIT each"
    figures = []

    base = in_fresh_process(baseline_child, url, ids)
    submitted = in_fresh_process(submit_child, url, ids, f"bench-{tag}-1")
    processed = in_fresh_process(process_child, url, f"bench-{tag}-worker-1")
    outcome = in_fresh_process(request_outcome, url, submitted["request_id"])
    single_seconds = processed["seconds"]
    figures.append(Figure(
        f"worker, {count:,} items, 1 process", backend, "items/s", count, single_seconds, baseline, count,
        base["seconds"],
        notes={"account": f"{account_size:,} subscribers",
               "submit_request": f"{submitted['seconds']:.2f} s ({count / submitted['seconds']:,.0f} items/s)",
               "outcome": _outcome_note(outcome),
               "peak RSS worker process": f"{processed['peak_rss_mb']:.0f} MiB"},
    ))

    if parallel:
        half = (count + 1) // 2
        base_seconds = run_parallel(_parallel_baseline, [(url, ids[:half], 1), (url, ids[half:], half + 1)])
        submitted = in_fresh_process(submit_child, url, ids, f"bench-{tag}-2")
        seconds = run_parallel(_parallel_worker, [(url, f"bench-{tag}-worker-{n}") for n in (1, 2)])
        outcome = in_fresh_process(request_outcome, url, submitted["request_id"])
        figures.append(Figure(
            f"worker, {count:,} items, 2 processes", backend, "items/s", count, seconds, f"{baseline}, 2 processes",
            count, base_seconds,
            notes={"speed-up over 1 worker process": f"{single_seconds / seconds:.2f}×",
                   "outcome": _outcome_note(outcome)},
        ))
    return figures
