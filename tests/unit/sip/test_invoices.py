"""The SIP administrator's «Счета» (P5, P6): only the two previous months, the invoice e-mailed to the
organisation's address by the worker, and a download link that is signed, expires and serves only its user and
account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import AccountKind, OutboxEmail, PersonalAccount, Request, Role, UserAccount
from cabinet.services.access import Actor
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.sip import invoices as sip_invoices
from tests.unit.factories import make_account, make_actor, make_invoice, make_org, make_user

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


@dataclass
class Sip:
    account: PersonalAccount
    actor: Actor
    mobile: PersonalAccount
    admin: Actor  # the company's administrator, on the mobile account


@pytest.fixture
def sip(session) -> Sip:
    org = make_org(session, contact_email="sip-office@example.test")
    account = make_account(session, org, kind=AccountKind.SIP)
    mobile = make_account(session, org)
    sip_user = make_user(session, org, [account], roles=[Role.SIP_ADMIN])
    admin = make_user(session, org, [mobile])
    for period in (dt.date(2026, 8, 1), SEP, OCT):
        make_invoice(session, account, period, amount="64.80")
    session.commit()
    return Sip(account=account, actor=make_actor(sip_user, [account]), mobile=mobile, admin=make_actor(admin, [mobile]))


def call(fn, session, sip, **kwargs):
    return fn(session, actor=sip.actor, account_id=sip.account.id, **kwargs)


def test_the_two_previous_months_at_a_months_turn(session, sip):
    clock.set_now(dt.datetime(2026, 10, 31, 23, 59))
    assert [m.title for m in call(sip_invoices.invoice_months, session, sip)] == ["сентябрь 2026", "август 2026"]
    clock.set_now(dt.datetime(2026, 11, 1, 0, 0))
    months = call(sip_invoices.invoice_months, session, sip)
    assert [(m.title, m.invoice_id is not None) for m in months] == [("октябрь 2026", True), ("сентябрь 2026", True)]


def test_an_invoice_is_mailed_to_the_organisations_address_by_the_worker(session, sip):
    from tests.unit.factories import real_worker

    result = call(sip_invoices.order_sip_invoice, session, sip, year=2026, month=10, idempotency_key="p5-1")
    again = call(sip_invoices.order_sip_invoice, session, sip, year=2026, month=10, idempotency_key="p5-1")
    assert again.request_id == result.request_id and result.recipients == ["sip-office@example.test"]
    assert result.message.startswith("Счет за октябрь 2026 будет отправлен на sip-office@example.test")
    session.commit()
    real_worker("w1").run_once()
    session.expire_all()
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.request_id == result.request_id)).one()
    assert mail.recipients == ["sip-office@example.test"] and "октябрь 2026" in mail.subject
    assert len(session.exec(select(Request)).all()) == 1


def test_only_the_two_previous_months_and_only_issued_invoices(session, sip):
    for year, month, words in ((2026, 8, "только за два предыдущих месяца"), (2026, 11, "только за два"),
                               ("x", 1, "Выберите месяц")):
        with pytest.raises(DomainError, match=words):
            call(sip_invoices.order_sip_invoice, session, sip, year=year, month=month, idempotency_key=f"k{month}")
    clock.set_now(dt.datetime(2026, 12, 2, 9, 0))  # the November invoice is not issued yet
    with pytest.raises(DomainError, match="Счет за ноябрь 2026 еще не выставлен"):
        call(sip_invoices.invoice_link, session, sip, year=2026, month=11)


def test_a_link_downloads_its_invoice_until_it_expires(session, sip):
    link = call(sip_invoices.invoice_link, session, sip, year=2026, month=9)
    assert link.title == "Счет за сентябрь 2026" and link.url.startswith("/api/sip/invoice?token=")
    token = link.url.split("token=", 1)[1]
    document = sip_invoices.download_by_link(session, token=token)
    assert document.filename.endswith(".pdf") and document.content.startswith(b"%PDF")
    clock.set_now(link.expires_at)
    assert sip_invoices.download_by_link(session, token=token).content
    clock.set_now(link.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(AccessDenied, match="недействительна или устарела"):
        sip_invoices.download_by_link(session, token=token)


def test_a_forged_or_orphaned_link_is_refused(session, sip):
    token = call(sip_invoices.invoice_link, session, sip, year=2026, month=10).url.split("token=", 1)[1]
    payload, signature = token.split(".")
    other_digit = "1" if signature[0] == "0" else "0"  # a changed signature, whatever its first digit was
    for forged in ("", "abc", f"{payload}.{other_digit}{signature[1:]}", payload[:-2] + "x." + signature):
        with pytest.raises(AccessDenied):
            sip_invoices.download_by_link(session, token=forged)
    link = session.exec(select(UserAccount).where(UserAccount.account_id == sip.account.id)).one()
    session.delete(link)  # the user no longer has the account
    session.commit()
    with pytest.raises(AccessDenied):
        sip_invoices.download_by_link(session, token=token)


def test_neither_role_reaches_the_others_account(session, sip):
    with pytest.raises(AccessDenied):
        sip_invoices.invoice_link(session, actor=sip.admin, account_id=sip.account.id, year=2026, month=10)
    with pytest.raises(AccessDenied):
        sip_invoices.order_sip_invoice(session, actor=sip.actor, account_id=sip.mobile.id, year=2026, month=10,
                                       idempotency_key="x")


def test_call_detail_of_the_sip_connection_for_this_or_last_month(session, sip):
    from tests.unit.factories import make_subscriber, make_tariff

    connection = make_subscriber(session, sip.account, number="375172000101", tariff_id=make_tariff(
        session, kind=AccountKind.SIP, name="SIP-соединение", is_sip_connection=True).id)
    number = make_subscriber(session, sip.account, number="375172000102", tariff_id=make_tariff(
        session, kind=AccountKind.SIP, name="SIP-номер").id)
    session.commit()
    assert [c.number for c in call(sip_invoices.sip_connections, session, sip)] == ["375172000101"]
    clock.set_now(dt.datetime(2026, 12, 1, 0, 0))
    assert [title for _, _, title in sip_invoices.detail_months()] == ["декабрь 2026", "ноябрь 2026"]

    def order(year, month, subscriber, key):
        return call(sip_invoices.order_sip_call_detail, session, sip, year=year, month=month,
                    layout="single_sheet", subscriber_id=subscriber.id, idempotency_key=key)

    with pytest.raises(DomainError, match="за текущий и прошлый месяц"):
        order(2026, 10, connection, "d1")
    with pytest.raises(DomainError, match="Отметьте абонента с тарифным планом «SIP-соединение»"):
        order(2026, 11, number, "d2")
    result = order(2026, 11, connection, "d3")
    assert result.recipients == ["sip-office@example.test"]
    assert "будет отправлена в течение суток на sip-office@example.test" in result.message


def test_personal_information_of_the_sip_account(session, sip):
    from cabinet.services.finance import billing as finance

    found = finance.personal_information(session, actor=sip.actor, account_id=sip.account.id)
    assert found.summary.number == sip.account.number and found.contract.endswith("от 15.01.2020")
    assert (found.legal_address, found.payment_form) == ("г. Минск, ул. Тестовая, 1", "Безналичный расчет")
    assert found.summary.last_charges == Decimal("64.80") and found.delivery.method == "email"
    with pytest.raises(AccessDenied):
        finance.personal_information(session, actor=sip.admin, account_id=sip.account.id)


def test_preliminary_invoice_for_the_account_or_a_typed_list(session, sip):
    import io

    import openpyxl

    from cabinet.services.sip import preliminary as sip_preliminary
    from tests.unit.factories import make_subscriber, real_worker

    first = make_subscriber(session, sip.account, number="375172000201", name="Склад")
    make_subscriber(session, sip.account, number="375172000202")
    foreign = make_subscriber(session, sip.mobile, number="375291000777")
    session.commit()

    def order(numbers, key):
        return sip_preliminary.order_preliminary_invoice(session, actor=sip.actor, account_id=sip.account.id,
                                                         numbers=numbers, idempotency_key=key)

    for typed, words in (("", "Введите номера"), ("375172000201 12345", "«12345» — не номер телефона"),
                         (f"375172000201, {foreign.number}", f"Нет на этом лицевом счете: {foreign.number}")):
        with pytest.raises(DomainError, match=words):
            order(typed, f"p-{typed}")
    assert order(None, "whole").recipients == ["sip-office@example.test"]
    assert sip_preliminary.typed_numbers("375172000201 375172000202\n+375 17 200-02-01") == [
        "375172000201", "375172000202"]
    listed = order(" +375 17 200-02-01;\n375172000201 ", "list")
    assert "1 абонент" in listed.message
    session.commit()
    real_worker("w1").run_once()
    session.expire_all()
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.request_id == listed.request_id)).one()
    assert mail.subject.startswith("Предварительный счет за ноябрь 2026")
    from cabinet.models import OutboxAttachment

    content = session.exec(select(OutboxAttachment.content).where(OutboxAttachment.email_id == mail.id)).one()
    rows = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("Номер", "Абонент", "Начисление", "Сумма, BYN")
    assert {row[0] for row in rows[1:] if row and row[0] and row[0].startswith("375")} == {first.number}


# --- page view: one load, one unit of work --------------------------------------------------------------------------

def test_sip_invoices_page_shows_the_months_and_the_delivery(session, sip):
    clock.set_now(dt.datetime(2026, 11, 5, 10, 0))

    found = call(sip_invoices.sip_invoices_page, session, sip)

    assert [(m.title, m.invoice_id is not None) for m in found.months] == [("октябрь 2026", True),
                                                                          ("сентябрь 2026", True)]
    assert (found.delivery.method, found.delivery.invoice_format) == (sip.account.delivery_method,
                                                                     sip.account.invoice_format)
    assert found.delivery.method_title in ("E-mail", "Получает сам")
    other_org = make_org(session)
    other_account = make_account(session, other_org, kind=AccountKind.SIP)
    stranger = make_actor(make_user(session, other_org, [other_account], roles=[Role.SIP_ADMIN]), [other_account])
    for actor in (stranger, sip.admin):  # another company's SIP administrator; the company's own administrator
        with pytest.raises(AccessDenied):
            sip_invoices.sip_invoices_page(session, actor=actor, account_id=sip.account.id)
