"""A registered payment (C5, P4) goes to the operator as a request: until the worker claims it, the user may correct
its amount or withdraw it; once claimed, both are refused, and a withdrawn one ends as «Отозвана» in the history."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from cabinet import bootstrap, clock, db, worker
from cabinet.models import GuaranteePayment, Request, RequestItem, RequestKind
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance import payments
from cabinet.services.requests import history
from cabinet.worker.claims import claim_items
from tests.unit.finance_factories import invoices_until, make_world

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def world(session):
    world = make_world(session)
    invoices_until(session, world.account, OCT, 1)  # October unpaid: 100,50 BYN due
    clock.set_now(dt.datetime(2026, 11, 5, 12, 30))
    session.commit()
    return world


def call(fn, session, world, **kwargs):
    return fn(session, actor=world.actor, account_id=world.account.id, **kwargs)


def refusal(fn, session, world, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        call(fn, session, world, **kwargs)
    session.rollback()
    return refused.value.message


def registered(session, world, amount="40.25"):
    made = call(payments.register_payment, session, world, amount=amount)
    session.commit()
    return made


def run_worker(session) -> bool:
    session.commit()  # the test's own read ends first, as a page's unit of work does
    return worker.Worker(bootstrap.handler_registry()).process_next_request()


def request_of(session) -> Request:
    session.expire_all()
    return session.exec(select(Request).where(Request.kind == RequestKind.PAYMENT_REGISTRATION.value)).one()


def test_the_amount_is_checked_before_anything_is_registered(session, world):
    assert call(payments.check_registration_amount, session, world, amount="40,25") == Decimal("40.25")
    assert "больше нуля" in refusal(payments.check_registration_amount, session, world, amount="0")
    assert "двух знаков" in refusal(payments.check_registration_amount, session, world, amount="1,234")
    assert "100,50 BYN" in refusal(payments.check_registration_amount, session, world, amount="100.51")
    assert session.exec(select(GuaranteePayment)).all() == [] and session.exec(select(Request)).all() == []


def test_a_registration_is_a_request_that_waits_for_the_worker_and_then_is_passed_on(session, world):
    made = registered(session, world)
    assert made.waiting
    request = request_of(session)
    assert (request.status, request.summary) == ("new", "Оплата 40,25 BYN по счету за октябрь 2026")
    assert [r.waiting for r in call(payments.payment_registration, session, world).registered] == [True]

    run_worker(session)
    request = request_of(session)
    assert request.status == "done"
    assert session.exec(select(RequestItem.result)).one() == "Оплата 40,25 BYN передана оператору"
    assert [r.waiting for r in call(payments.payment_registration, session, world).registered] == [False]
    assert "уже передана оператору" in refusal(payments.withdraw_payment_registration, session, world,
                                              guarantee_id=made.id)


def test_a_waiting_registration_is_corrected_within_what_is_due(session, world):
    made = registered(session, world)
    assert "100,50 BYN" in refusal(payments.correct_payment_registration, session, world, guarantee_id=made.id,
                                   amount="200")
    corrected = call(payments.correct_payment_registration, session, world, guarantee_id=made.id, amount="99,99")
    session.commit()
    assert (corrected.amount, corrected.waiting) == (Decimal("99.99"), True)
    assert session.get(GuaranteePayment, made.id).amount == Decimal("99.99")
    assert request_of(session).summary == "Оплата 99,99 BYN по счету за октябрь 2026"

    run_worker(session)
    assert session.exec(select(RequestItem.result)).one() == "Оплата 99,99 BYN передана оператору"


def test_a_correction_is_checked_as_it_is_typed_without_changing_anything(session, world):
    made = registered(session, world)
    assert call(payments.check_correction_amount, session, world, guarantee_id=made.id, amount="99,99") == Decimal(
        "99.99")
    for typed, words in (("200", "100,50 BYN"), ("0", "больше нуля"), ("сто", "числом")):
        assert words in refusal(payments.check_correction_amount, session, world, guarantee_id=made.id, amount=typed)
    assert session.get(GuaranteePayment, made.id).amount == made.amount
    with pytest.raises(AccessDenied):
        payments.check_correction_amount(session, actor=world.stranger, account_id=world.other_account.id,
                                         guarantee_id=made.id, amount="1")
    call(payments.withdraw_payment_registration, session, world, guarantee_id=made.id)
    session.commit()
    assert "уже отозвана" in refusal(payments.check_correction_amount, session, world, guarantee_id=made.id,
                                     amount="1")


def test_a_withdrawn_registration_is_never_processed_shows_as_withdrawn_and_may_be_made_again(session, world):
    made = registered(session, world)
    withdrawn = call(payments.withdraw_payment_registration, session, world, guarantee_id=made.id)
    session.commit()
    assert (withdrawn.status, withdrawn.waiting) == ("Отозвана", False)

    assert run_worker(session) is False
    request = request_of(session)
    assert request.status == "withdrawn" and request.finished_at is not None
    shown = call(history.list_requests, session, world).rows
    assert [(r.kind_title, r.status_title) for r in shown] == [("Регистрация оплаты", "Отозвана")]
    assert "уже отозвана" in refusal(payments.withdraw_payment_registration, session, world, guarantee_id=made.id)
    assert "уже отозвана" in refusal(payments.correct_payment_registration, session, world, guarantee_id=made.id,
                                     amount="1")
    status = call(payments.payment_registration, session, world)
    assert status.allowed and [r.status for r in status.registered] == ["Отозвана"]
    assert registered(session, world, "10").amount == Decimal("10.00")


def test_once_the_worker_claimed_the_request_it_can_be_neither_corrected_nor_withdrawn(session, world):
    made = registered(session, world)
    request_id = request_of(session).id
    session.commit()
    assert claim_items(request_id, "w1", 10)
    for fn, more in ((payments.withdraw_payment_registration, {}),
                     (payments.correct_payment_registration, {"amount": "1"})):
        assert refusal(fn, session, world, guarantee_id=made.id, **more) == payments.BEING_PROCESSED
    assert session.get(GuaranteePayment, made.id).status == "registered"
    assert request_of(session).status == "new"


def test_the_worker_and_a_withdrawal_at_once_never_both_win(session, world):
    """Many times over: the worker takes the request while the user withdraws it; exactly one of them has it."""
    for attempt in range(8):
        made = registered(session, world, "1")
        request_id = session.exec(select(Request.id).order_by(Request.id.desc())).first()
        session.commit()
        start = threading.Barrier(2)
        outcome: dict[str, object] = {}

        def work():
            start.wait()
            outcome["claimed"] = bool(claim_items(request_id, f"w{attempt}", 10))

        def withdraw():
            start.wait()
            with Session(db.write_engine(), expire_on_commit=False) as own:  # as a page's write does
                try:
                    call(payments.withdraw_payment_registration, own, world, guarantee_id=made.id)
                    own.commit()
                    outcome["withdrawn"] = True
                except DomainError as refused:
                    outcome["withdrawn"] = refused.message

        threads = [threading.Thread(target=work), threading.Thread(target=withdraw)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if outcome["claimed"]:
            assert outcome["withdrawn"] == payments.BEING_PROCESSED
        else:
            assert outcome["withdrawn"] is True
        with db.session_scope(writes=True) as own:  # free the invoice for the next attempt
            own.get(GuaranteePayment, made.id).status = "withdrawn"


def test_only_a_registration_of_the_actors_own_account_can_be_changed(session, world):
    made = registered(session, world)
    for actor, account_id in ((world.stranger, world.other_account.id), (world.actor, world.sibling.id)):
        with pytest.raises((AccessDenied, DomainError)):
            payments.withdraw_payment_registration(session, actor=actor, account_id=account_id, guarantee_id=made.id)
        session.rollback()
    with pytest.raises(AccessDenied):
        payments.correct_payment_registration(session, actor=world.stranger, account_id=world.other_account.id,
                                              guarantee_id=made.id, amount="1")
    assert session.get(GuaranteePayment, made.id).status == "registered"
