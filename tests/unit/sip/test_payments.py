"""The SIP administrator's «Регистрация платежей» (P4): the same rules as the company's, and only for clients
whose contract has run for more than three months, refused with the date it opens until then."""

from __future__ import annotations

import datetime as dt

import pytest

from cabinet import clock
from cabinet.models import AccountKind
from cabinet.services.errors import DomainError
from cabinet.services.finance import payments
from tests.unit.finance_factories import invoices_until, make_world

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def sip(session):
    world = make_world(session, kind=AccountKind.SIP)
    world.org.contract_date = dt.date(2026, 8, 5)
    session.add(world.org)
    invoices_until(session, world.account, OCT, 2)
    session.commit()
    return world


def status(session, world):
    return payments.payment_registration(session, actor=world.actor, account_id=world.account.id)


def test_registration_opens_the_day_after_three_months_of_contract(session, sip):
    clock.set_now(dt.datetime(2026, 11, 5, 23, 59))  # exactly three months: not yet more
    refused = status(session, sip)
    assert not refused.allowed
    assert refused.reason == ("Регистрация платежей доступна клиентам, у которых срок действия договора составляет "
                              "более трех месяцев. Договор заключен 05.08.2026: регистрация станет доступна "
                              "06.11.2026.")
    with pytest.raises(DomainError, match="более трех месяцев"):
        payments.register_payment(session, actor=sip.actor, account_id=sip.account.id, amount="10")
    clock.set_now(dt.datetime(2026, 11, 6, 0, 0))
    assert status(session, sip).allowed
    registered = payments.register_payment(session, actor=sip.actor, account_id=sip.account.id, amount="10")
    assert registered.invoice_title == "Счет за октябрь 2026"


def test_the_contract_rule_is_the_sip_accounts_only(session):
    mobile = make_world(session)
    mobile.org.contract_date = dt.date(2026, 10, 1)  # a month old
    session.add(mobile.org)
    invoices_until(session, mobile.account, OCT, 2)
    session.commit()
    clock.set_now(dt.date(2026, 11, 5))
    assert status(session, mobile).allowed
