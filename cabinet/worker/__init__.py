"""The worker: processes requests («заявки») item by item and sends the e-mail outbox.

It is handed the registry of request handlers (`cabinet.bootstrap.handler_registry()`), so it imports none of
them: `claims` picks a request and leases its items, `batch` does them, `finishing` closes the request, `loop` is
one worker's cycle, `__main__` the process (`python -m cabinet.worker`, or `--once`).

Several workers may run at once (processes or the app's lifespan task). They never take the same item: items
and outbox rows are claimed with a lease (`claimed_by`, `lease_until`), using `FOR UPDATE SKIP LOCKED` on
PostgreSQL and a conditional UPDATE on SQLite (see `cabinet.delivery.leases`).

Items are done in batches: a worker claims up to `Limits.claim_batch` items of a request (a committed lease),
then does them in transactions of up to `Limits.transaction_items` items or `Limits.transaction_seconds`,
whichever comes first. Each transaction locks and loads its items in one SELECT (… FOR UPDATE on PostgreSQL),
loads the request once, runs each item's handler in a SAVEPOINT of its own (`session.begin_nested()`), then
writes the items' statuses and results in one UPDATE (a retry in one of its own), adds the batch's counts to the
request's counters in another, and commits. So:
- an item's effect, its status and result and the request's counters are committed together or not at all;
- a refused item (ItemRefused, or any DomainError) has its savepoint rolled back: its own effect is undone,
  the other items of the batch are not; the refusal is recorded in the same commit;
- an item whose handler fails unexpectedly has its savepoint rolled back and its failure recorded in the
  same commit (retried later with a growing delay, refused as an internal error after MAX_ITEM_ATTEMPTS);
- if the transaction fails as a whole (e.g. its commit, or a handler that closed the session), nothing of it
  is kept and its items are done again one per transaction, so only a faulty item pays for it; a handler may
  not commit or roll back the session itself (it raises, failing that item);
- a worker killed half-way through a batch commits nothing of it: all its items stay waiting, leased to the
  dead worker; once the lease runs out another worker does them. So every item is done exactly once.
A stop (`halt`) is noticed between items: what the batch has done so far is committed, the rest given back.
A `Prepared` handler (a document to render, the large export) is run apart, one item at a time: its slow part in a
session that only reads, then its item's writes in a short transaction of its own, so it never holds SQLite's
write lock while it works (see `cabinet.services.requests.handling`).
"""

from cabinet.worker.batch import INTERNAL_ERROR, MAX_ITEM_ATTEMPTS, RETRY_BASE_SECONDS, Limits
from cabinet.worker.loop import Worker

__all__ = ["INTERNAL_ERROR", "MAX_ITEM_ATTEMPTS", "RETRY_BASE_SECONDS", "Limits", "Worker"]
