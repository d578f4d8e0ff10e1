"""What the worker's tests share: a registry each test fills with its own handlers, workers by name, an owner."""

from __future__ import annotations

import pytest

from cabinet import worker
from cabinet.models import RequestKind
from cabinet.services.requests.handling import Registry
from tests.unit.factories import make_account, make_actor, make_org, make_user


class OwnRegistry(Registry):
    """A registry a test fills with its own handlers."""

    def handles(self, kind):
        return lambda fn: self.handlers.__setitem__(RequestKind(kind).value, fn) or fn

    def on_finish(self, kind):
        return lambda fn: self.finish_hooks.__setitem__(RequestKind(kind).value, fn) or fn


# Transactions end by their number of items only, however slow the machine; a test of the time limit sets it.
UNTIMED = worker.Limits(transaction_seconds=3600)


@pytest.fixture
def registry():
    return OwnRegistry(handlers={}, finish_hooks={})


@pytest.fixture
def process(registry):
    """process("w1", …): the next request, done by worker w1 (one worker per name and limits, as a process)."""
    workers: dict = {}

    def run(worker_id: str = "w1", *, limits: worker.Limits = UNTIMED, **options) -> bool:
        key = (worker_id, limits)
        if key not in workers:
            workers[key] = worker.Worker(registry, worker_id=worker_id, limits=limits)
        return workers[key].process_next_request(**options)

    return run


@pytest.fixture
def owner(session):
    org = make_org(session)
    account = make_account(session, org, delivery_emails=["buh@example.test"])
    user = make_user(session, org, [account])
    session.commit()
    return make_actor(user, [account]), account
