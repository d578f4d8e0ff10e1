"""On the demo data: organisation 2's administrator reads and orders nothing of organisation 1's accounts
through the finance services (C1–C7), even with organisation 1's ids; and payment registration (C5) follows the
demo's calendar (the last invoice, for the previous month, is the only unpaid one)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import GuaranteePayment, Invoice, PersonalAccount, Request, Subscriber
from cabinet.seed import seed_demo
from cabinet.services.auth import sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance import billing as finance
from cabinet.services.finance import orders, payments
from cabinet.services.subscribers import listing, uploads
from cabinet.services.subscribers.choice import Choice


def signed_in(session, login, password):
    token = auth.sign_in_with_password(session, login_kind="phone", login=login, password=password).token
    return sessions.actor_for(session, token=token)


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


def org1_accounts(session) -> list[PersonalAccount]:
    return session.exec(select(PersonalAccount).where(PersonalAccount.organization_id == 1)).all()


def test_other_companys_administrator_reaches_no_finance_of_the_first(demo):
    stranger = signed_in(demo, "375290000101", "Other#2026")
    own_account = next(iter(stranger.account_ids))
    for account in org1_accounts(demo):
        invoice_id = demo.exec(select(Invoice.id).where(Invoice.account_id == account.id)).first()
        subscriber = demo.exec(select(Subscriber).where(Subscriber.account_id == account.id)).first()
        on_theirs = dict(actor=stranger, account_id=account.id)
        for read in (finance.charges_by_month, finance.top_subscribers, finance.list_invoices,
                     finance.delivery_settings, payments.list_payments, payments.payment_registration,
                     listing.list_subscribers):
            with pytest.raises(AccessDenied):
                read(demo, **on_theirs)
        attempts = [
            lambda: finance.update_delivery(demo, **on_theirs, emails="spy@evil.by", invoice_format="pdf"),
            lambda: payments.register_payment(demo, **on_theirs, amount="1.00"),
            lambda: orders.order_invoice(demo, **on_theirs, invoice_id=invoice_id, idempotency_key="x1"),
            lambda: orders.order_call_detail(demo, **on_theirs, year=2026, month=10, choice=Choice(all_matching=""),
                                              idempotency_key="x2"),
            lambda: orders.order_reconciliation(demo, **on_theirs, date_from=dt.date(2026, 1, 1),
                                                 date_to=dt.date(2026, 10, 31), email="spy@evil.by",
                                                 idempotency_key="x3"),
            lambda: uploads.match_numbers(demo, **on_theirs, numbers=[subscriber.number]),
            # the first company's ids, named on the stranger's own account
            lambda: orders.order_invoice(demo, actor=stranger, account_id=own_account, invoice_id=invoice_id,
                                          idempotency_key="x4"),
            lambda: orders.order_call_detail(demo, actor=stranger, account_id=own_account, year=2026, month=10,
                                              choice=Choice(subscriber_ids=[subscriber.id]), idempotency_key="x5"),
        ]
        for attempt in attempts:
            with pytest.raises(AccessDenied):
                attempt()
        with pytest.raises(uploads.UploadRejected):
            orders.order_call_detail(demo, actor=stranger, account_id=own_account, year=2026, month=10,
                                      choice=Choice(numbers=[subscriber.number]), idempotency_key="x6")
    demo.commit()
    assert demo.exec(select(Request).where(Request.idempotency_key.like("x%"))).all() == []
    assert demo.exec(select(GuaranteePayment)).all() == []
    assert all("spy@evil.by" not in a.delivery_emails for a in org1_accounts(demo))


def test_demo_payment_registration_is_closed_after_the_10th(demo):
    supervisor = signed_in(demo, "375290000002", "Super#2026")
    for account_id in supervisor.account_ids:
        found = payments.payment_registration(demo, actor=supervisor, account_id=account_id)
        # seeded on 16.11.2026: October's invoice is the only unpaid one, but the 10th of November has passed
        assert not found.allowed and found.deadline == dt.date(2026, 11, 10)
        assert found.reason.startswith("Регистрация оплаты доступна до 10.11.2026")
        with pytest.raises(DomainError):
            payments.register_payment(demo, actor=supervisor, account_id=account_id)


def test_demo_payment_registration_is_open_until_the_10th(session):
    clock.set_now(dt.datetime(2026, 11, 5, 9, 0))
    seed_demo(session)
    session.commit()
    admin = signed_in(session, "375290000001", "Admin#2026")
    [account_id] = admin.account_ids
    found = payments.payment_registration(session, actor=admin, account_id=account_id)
    assert found.allowed and found.invoice_title == "Счет за октябрь 2026" and found.amount_due > 0
    registered = payments.register_payment(session, actor=admin, account_id=account_id)
    assert registered.amount == found.amount_due and registered.author == "Ковалева Ирина Сергеевна"
