"""Quotas on documents ordered by e-mail (C2, C6, C7, P5, P8, P9): so many an hour and a day per account, counted
from the stored requests, and one pending order per identical order."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from cabinet import clock
from cabinet.models import AccountKind, Request, RequestStatus, Role
from cabinet.services.errors import DomainError
from cabinet.services.finance import orders, quotas
from cabinet.services.sip import preliminary
from cabinet.services.subscribers.choice import Choice
from tests.unit.factories import make_account, make_actor, make_subscriber, make_user
from tests.unit.finance_factories import make_invoice

NOW = dt.datetime(2026, 11, 16, 10, 0)


def reconcile(session, world, n: int, key: str | None = None, account=None):
    """The n-th distinct order: a reconciliation act from its own first day."""
    return orders.order_reconciliation(
        session, actor=world.actor, account_id=(account or world.account).id,
        date_from=dt.date(2024, 1, 1) + dt.timedelta(days=n), date_to=dt.date(2026, 10, 31),
        idempotency_key=key or f"rec-{n}-{(account or world.account).id}")


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as refusal:
        fn(*args, **kwargs)
    return refusal.value.message


def stored(session) -> int:
    return session.exec(select(func.count()).select_from(Request)).one()


def test_the_hourly_quota_refuses_then_allows_again_an_hour_after_the_oldest(session, world):
    clock.set_now(NOW.replace(second=20))
    reconcile(session, world, 0)
    clock.set_now(NOW.replace(minute=30))
    for n in range(1, quotas.DOCUMENTS_PER_HOUR.limit):
        reconcile(session, world, n)
    assert stored(session) == quotas.DOCUMENTS_PER_HOUR.limit == 30

    message = refused(reconcile, session, world, 100)
    assert message == ("По этому лицевому счету за последний час заказано 30 документов на E-mail — больше "
                       "заказать нельзя. Следующий документ можно будет заказать 16.11.2026 в 11:01.")
    clock.set_now(dt.datetime(2026, 11, 16, 11, 0, 19))  # the oldest is a second short of an hour old
    assert "за последний час" in refused(reconcile, session, world, 100)
    clock.advance(seconds=1)
    assert reconcile(session, world, 100).request_id
    assert "в 11:30" in refused(reconcile, session, world, 101)  # now the next ones, of 10:30, fill the hour


def test_the_daily_quota_refuses_then_allows_again_a_day_after_the_oldest(session, world):
    per_hour = quotas.DOCUMENTS_PER_HOUR.limit - 5
    for n in range(quotas.DOCUMENTS_PER_DAY.limit):  # 25 an hour: under the hourly quota
        clock.set_now(NOW + dt.timedelta(hours=n // per_hour))
        reconcile(session, world, n)
    clock.set_now(NOW + dt.timedelta(hours=5))

    message = refused(reconcile, session, world, 200)
    assert message == ("По этому лицевому счету за последние сутки заказано 100 документов на E-mail — больше "
                       "заказать нельзя. Следующий документ можно будет заказать 17.11.2026 в 10:00.")
    clock.set_now(NOW + dt.timedelta(days=1, seconds=1))
    assert reconcile(session, world, 200).request_id


def test_when_both_quotas_are_used_up_the_later_time_is_named(session, world):
    for n in range(quotas.DOCUMENTS_PER_DAY.limit - quotas.DOCUMENTS_PER_HOUR.limit):  # 70 over three hours
        clock.set_now(NOW + dt.timedelta(hours=n // 25))
        reconcile(session, world, n)
    clock.set_now(NOW + dt.timedelta(hours=4))
    for n in range(70, 100):  # and a full hour's 30
        reconcile(session, world, n)
    message = refused(reconcile, session, world, 200)
    assert "за последние сутки" in message and message.endswith("17.11.2026 в 10:00.")


def test_every_kind_of_document_counts_and_only_the_accounts_own(session, world):
    invoice = make_invoice(session, world.account, dt.date(2026, 10, 1))
    sub = make_subscriber(session, world.account)
    other = make_account(session, world.org)
    actor = make_actor(make_user(session, world.org, [world.account, other], roles=[Role.ADMINISTRATOR]),
                       [world.account, other])
    world.actor = actor
    orders.order_invoice(session, actor=actor, account_id=world.account.id, invoice_id=invoice.id,
                         idempotency_key="inv")
    orders.order_call_detail(session, actor=actor, account_id=world.account.id, year=2026, month=10,
                             choice=Choice(subscriber_ids=[sub.id]), idempotency_key="det")
    for n in range(quotas.DOCUMENTS_PER_HOUR.limit - 2):
        reconcile(session, world, n)
    assert "за последний час" in refused(reconcile, session, world, 100)
    assert reconcile(session, world, 100, account=other).request_id  # another account has its own quota


def test_a_repeated_submission_at_the_limit_is_answered_as_before(session, world):
    results = [reconcile(session, world, n) for n in range(quotas.DOCUMENTS_PER_HOUR.limit)]
    again = reconcile(session, world, quotas.DOCUMENTS_PER_HOUR.limit - 1)  # the same key: a double click
    assert again == results[-1]
    assert stored(session) == quotas.DOCUMENTS_PER_HOUR.limit


def test_a_thousand_orders_in_a_loop_store_only_the_hours_quota(session, world):
    sub = make_subscriber(session, world.account)
    periods = orders.detail_periods()  # 37 months: more distinct orders than an hour allows
    accepted = 0
    for n in range(1000):
        period = periods[n % len(periods)]
        try:
            orders.order_call_detail(session, actor=world.actor, account_id=world.account.id, year=period.year,
                                     month=period.month, choice=Choice(subscriber_ids=[sub.id]),
                                     idempotency_key=f"loop-{n}")
            accepted += 1
        except DomainError:
            pass
    assert accepted == stored(session) == quotas.DOCUMENTS_PER_HOUR.limit


# --- one pending order per identical order --------------------------------------------------------------------

def test_an_identical_order_is_refused_while_the_first_is_pending(session, world):
    subs = [make_subscriber(session, world.account) for _ in range(3)]

    def detail(ids, month=10, key="d"):
        return orders.order_call_detail(session, actor=world.actor, account_id=world.account.id, year=2026,
                                        month=month, choice=Choice(subscriber_ids=ids), idempotency_key=key)

    clock.set_now(NOW.replace(minute=7, second=30))
    first = detail([subs[0].id, subs[1].id])
    clock.set_now(NOW.replace(minute=20))
    message = refused(detail, [subs[1].id, subs[0].id], key="d2")  # the same subscribers, ticked otherwise
    assert message == (f"Такая же заявка № {first.request_id} принята 16.11.2026 в 10:08 и еще выполняется. "
                       "Повторить заказ можно будет после ее выполнения — следите за ней в «История заявок».")
    assert detail([subs[0].id], key="d3").request_id  # another choice
    assert detail([subs[0].id, subs[1].id], month=9, key="d4").request_id  # another month

    request = session.get(Request, first.request_id)
    request.status = RequestStatus.IN_PROGRESS
    session.add(request)
    assert "№" in refused(detail, [subs[0].id, subs[1].id], key="d5")
    request.status = RequestStatus.DONE  # the worker has sent it: the same may be ordered again
    session.add(request)
    assert detail([subs[0].id, subs[1].id], key="d6").request_id != first.request_id


def test_an_identical_invoice_or_act_is_refused_another_address_is_not(session, world):
    invoice = make_invoice(session, world.account, dt.date(2026, 10, 1))
    orders.order_invoice(session, actor=world.actor, account_id=world.account.id, invoice_id=invoice.id,
                         idempotency_key="i1")
    assert "Такая же заявка" in refused(orders.order_invoice, session, actor=world.actor,
                                        account_id=world.account.id, invoice_id=invoice.id, idempotency_key="i2")
    reconcile(session, world, 1, key="r1")
    assert "Такая же заявка" in refused(reconcile, session, world, 1, key="r2")
    assert orders.order_reconciliation(session, actor=world.actor, account_id=world.account.id,
                                       date_from=dt.date(2024, 1, 2), date_to=dt.date(2026, 10, 31),
                                       email="director@firma.by", idempotency_key="r3").request_id


def test_the_preliminary_invoice_keeps_the_same_rules(session):
    from tests.unit.factories import make_org

    org = make_org(session)
    account = make_account(session, org, kind=AccountKind.SIP)
    make_subscriber(session, account, number="375172000301")
    actor = make_actor(make_user(session, org, [account], roles=[Role.SIP_ADMIN]), [account])
    session.commit()

    def order(key, numbers=None):
        return preliminary.order_preliminary_invoice(session, actor=actor, account_id=account.id, numbers=numbers,
                                                     idempotency_key=key)

    order("p1")
    assert "Такая же заявка" in refused(order, "p2")
    assert order("p3", numbers="375172000301").request_id  # a typed list is another order
