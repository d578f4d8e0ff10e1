"""Finance for the Administrator and the Supervisor: charges (C1), invoices (C2), delivery settings (C3),
payments (C4) and payment registration (C5), each date rule at its boundary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.clock import add_months
from cabinet.models import AuditEvent, GuaranteePayment, PersonalAccount
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance import billing as finance
from cabinet.services.finance import payments
from tests.unit.factories import make_subscriber
from tests.unit.finance_factories import add_line, invoices_until, make_invoice, make_payment

OCT, SEP = dt.date(2026, 10, 1), dt.date(2026, 9, 1)


def call(fn, session, world, **kwargs):
    return fn(session, actor=world.actor, account_id=world.account.id, **kwargs)


def refusal(fn, session, world, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        call(fn, session, world, **kwargs)
    return refused.value.message


# --- C1 ---------------------------------------------------------------------------------------------------------

def test_charges_by_month_are_the_last_12_regular_invoices_oldest_first(session, world):
    invoices_until(session, world.account, OCT, 14)
    make_invoice(session, world.account, dt.date(2026, 11, 1), "999.00", paid=False, is_regular=False)
    make_invoice(session, world.other_account, OCT, "777.00")

    months = call(finance.charges_by_month, session, world)

    assert [m.period for m in months] == [add_months(OCT, -back) for back in range(11, -1, -1)]
    assert months[0].title == "Ноя 2025" and months[-1].title == "Окт 2026"
    assert months[-1].amount == Decimal("113.50") and isinstance(months[-1].amount, Decimal)
    assert len(call(finance.charges_by_month, session, world, months=3)) == 3


def test_top_subscribers_by_charges_of_the_last_regular_invoice(session, world):
    subs = [make_subscriber(session, world.account, name=f"Абонент {i}") for i in range(4)]
    sep = make_invoice(session, world.account, SEP)
    oct_ = make_invoice(session, world.account, OCT, paid=False)
    add_line(session, sep, subs[0], "500.00")  # an older invoice does not count
    add_line(session, oct_, subs[0], "10.00")
    add_line(session, oct_, subs[1], "20.00")
    add_line(session, oct_, subs[1], "15.55")
    add_line(session, oct_, subs[2], "30.00")
    add_line(session, oct_, None, "999.00", "Разовая плата по лицевому счету")  # no subscriber: left out

    top = call(finance.top_subscribers, session, world, limit=2)

    assert [(t.number, t.name, t.amount) for t in top] == [
        (subs[1].number, "Абонент 1", Decimal("35.55")),
        (subs[2].number, "Абонент 2", Decimal("30.00")),
    ]
    assert len(call(finance.top_subscribers, session, world)) == 3


def test_no_invoices_no_charges(session, world):
    assert call(finance.charges_by_month, session, world) == []
    assert call(finance.top_subscribers, session, world) == []


# --- C2: the list ---------------------------------------------------------------------------------------------------

def test_invoices_are_listed_newest_first_regular_only(session, world):
    invoices_until(session, world.account, OCT, 3)
    make_invoice(session, world.account, dt.date(2026, 11, 1), "50.00", paid=False, is_regular=False)

    rows = call(finance.list_invoices, session, world)

    assert [(r.period, r.title, r.paid) for r in rows] == [
        (OCT, "Октябрь 2026", False), (SEP, "Сентябрь 2026", True), (dt.date(2026, 8, 1), "Август 2026", True)]
    assert rows[0].number.endswith("-202610") and rows[0].amount == Decimal("102.50")


# --- C3 -----------------------------------------------------------------------------------------------------------

def test_delivery_settings_are_read(session, world):
    settings = call(finance.delivery_settings, session, world)
    assert (settings.method, settings.emails, settings.invoice_format) == (
        "email", ["buh@example.test", "chief@example.test"], "pdf")
    assert (settings.method_title, settings.format_title) == ("E-mail", "PDF")


def test_several_addresses_in_text_are_split_checked_and_deduplicated(session, world):
    text = " Buh@Firma.by; office@firma.by,\nbuh@firma.by\r\n\n director@firma.by "
    assert finance.parse_emails(text) == ["buh@firma.by", "office@firma.by", "director@firma.by"]
    settings = call(finance.update_delivery, session, world, emails=text, invoice_format="xlsx")
    assert settings.emails == ["buh@example.test", "chief@example.test"]  # until a new address is confirmed
    assert settings.notice.startswith("На адреса buh@firma.by, office@firma.by, director@firma.by отправлены")
    assert settings.invoice_format == "xlsx" and settings.format_title == "Excel"
    session.commit()
    stored = session.get(PersonalAccount, world.account.id)
    assert stored.delivery_emails == settings.emails and stored.invoice_format == "xlsx"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "delivery.updated")).one()
    assert event.account_id == world.account.id and event.user_id == world.actor.user_id
    assert event.details["format_before"] == "pdf" and event.details["format"] == "xlsx"


def test_delivery_addresses_as_a_list(session, world):
    settings = call(finance.update_delivery, session, world, emails=["chief@example.test", "buh@example.test"],
                    invoice_format="txt")
    assert settings.emails == ["chief@example.test", "buh@example.test"] and settings.invoice_format == "txt"
    assert settings.notice == ""


def test_a_bad_address_is_named_and_nothing_changes(session, world):
    message = refusal(finance.update_delivery, session, world, emails="good@firma.by, bad@firma, x@y.by",
                      invoice_format="pdf")
    assert "«bad@firma»" in message
    session.rollback()
    assert session.get(PersonalAccount, world.account.id).delivery_emails == ["buh@example.test", "chief@example.test"]


def test_at_most_five_addresses(session, world):
    five = [f"u{i}@firma.by" for i in range(5)]
    notice = call(finance.update_delivery, session, world, emails=five, invoice_format="pdf").notice
    assert all(a in notice for a in five)
    message = refusal(finance.update_delivery, session, world, emails=five + ["u5@firma.by"], invoice_format="pdf")
    assert "не более 5" in message


def test_email_delivery_needs_an_address_self_does_not(session, world):
    message = refusal(finance.update_delivery, session, world, emails=" ;\n", invoice_format="pdf")
    assert message == "Укажите хотя бы один адрес электронной почты для доставки счетов."
    settings = call(finance.update_delivery, session, world, emails="", invoice_format="pdf", method="self")
    assert (settings.method, settings.method_title, settings.emails) == ("self", "Получает сам", [])


@pytest.mark.parametrize("fmt", ["doc", "", "PDFX"])
def test_invoice_format_must_be_pdf_excel_or_txt(session, world, fmt):
    assert refusal(finance.update_delivery, session, world, emails="a@firma.by", invoice_format=fmt) == \
        "Выберите формат счета: PDF, Excel или txt."


def test_delivery_method_must_be_email_or_self(session, world):
    message = refusal(finance.update_delivery, session, world, emails="a@firma.by", invoice_format="pdf",
                      method="courier")
    assert "E-mail или «Получает сам»" in message


# --- C4 -----------------------------------------------------------------------------------------------------------

def test_payments_default_to_the_current_month(session, world):
    make_payment(session, world.account, dt.date(2026, 10, 31), "1.00")
    make_payment(session, world.account, dt.date(2026, 11, 1), "10.00", "п/п № 10")
    make_payment(session, world.account, dt.date(2026, 11, 16), "20.50", "п/п № 11")
    make_payment(session, world.other_account, dt.date(2026, 11, 5), "999.00")

    found = call(payments.list_payments, session, world)

    assert (found.date_from, found.date_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 16))
    assert [(r.paid_on, r.amount, r.reference) for r in found.rows] == [
        (dt.date(2026, 11, 16), Decimal("20.50"), "п/п № 11"), (dt.date(2026, 11, 1), Decimal("10.00"), "п/п № 10")]
    assert (found.total, found.count) == (Decimal("30.50"), 2)
    assert found.rows[0].method == "Банковский перевод"


def test_payments_twelve_months_back_allowed_and_a_day_more_refused(session, world):
    make_payment(session, world.account, dt.date(2025, 11, 16), "5.00")
    found = call(payments.list_payments, session, world, date_from=dt.date(2025, 11, 16), date_to=dt.date(2026, 11, 16))
    assert found.count == 1
    message = refusal(payments.list_payments, session, world, date_from=dt.date(2025, 11, 15),
                      date_to=dt.date(2026, 1, 1))
    assert message == "Платежи доступны за последние 12 месяцев: с 16.11.2025."


def test_payments_twelve_months_back_from_the_31st(session, world):
    clock.set_now(dt.datetime(2027, 3, 31, 9, 0))
    assert call(payments.list_payments, session, world, date_from=dt.date(2026, 3, 31)).date_to == dt.date(2027, 3, 31)
    assert "с 31.03.2026" in refusal(payments.list_payments, session, world, date_from=dt.date(2026, 3, 30))


def test_payments_period_ends_today_at_the_latest_and_starts_before_it_ends(session, world):
    assert call(payments.list_payments, session, world, date_from=dt.date(2026, 11, 16),
                date_to=dt.date(2026, 11, 16)).count == 0
    assert "позже сегодняшней (16.11.2026)" in refusal(payments.list_payments, session, world,
                                                       date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 17))
    assert refusal(payments.list_payments, session, world, date_from=dt.date(2026, 10, 2),
                   date_to=dt.date(2026, 10, 1)) == "Дата начала периода позже даты окончания."


@pytest.mark.parametrize("date_from, date_to, errors", [
    (dt.date(2025, 11, 16), dt.date(2026, 11, 16), {}),
    (None, dt.date(2026, 11, 1), {"date_from": "Укажите начальную дату периода."}),
    (dt.date(2026, 11, 1), None, {"date_to": "Укажите конечную дату периода."}),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 1), {"date_from": "Дата начала периода позже даты окончания."}),
    (dt.date(2026, 11, 1), dt.date(2026, 11, 17),
     {"date_to": "Дата окончания периода не может быть позже сегодняшней (16.11.2026)."}),
    (dt.date(2026, 11, 17), dt.date(2026, 11, 16),
     {"date_from": "Дата начала периода не может быть позже сегодняшней (16.11.2026)."}),
    (dt.date(2025, 11, 15), dt.date(2026, 1, 1), {"date_from": "Платежи доступны за последние 12 месяцев: с 16.11.2025."}),
    (dt.date(2025, 1, 1), dt.date(2025, 11, 15),
     {"date_from": "Платежи доступны за последние 12 месяцев: с 16.11.2025.",
      "date_to": "Платежи доступны за последние 12 месяцев: с 16.11.2025."}),
])
def test_a_payments_period_is_checked_field_by_field(date_from, date_to, errors):
    assert payments.payments_period_errors(date_from, date_to) == errors


def test_the_payments_list_refuses_what_the_period_check_finds(session, world):
    for date_from, date_to in ((dt.date(2026, 11, 2), dt.date(2026, 11, 1)), (dt.date(2025, 1, 1), dt.date(2025, 2, 1))):
        first = next(iter(payments.payments_period_errors(date_from, date_to).values()))
        assert refusal(payments.list_payments, session, world, date_from=date_from, date_to=date_to) == first


def test_payments_rows_are_capped_but_counted_in_full(session, world, monkeypatch):
    from cabinet.services.finance import payments

    monkeypatch.setattr(payments, "MAX_PAYMENT_ROWS", 3)
    for day in range(1, 6):
        make_payment(session, world.account, dt.date(2026, 11, day), "2.00")
    found = call(payments.list_payments, session, world)
    assert len(found.rows) == 3 and found.rows[0].paid_on == dt.date(2026, 11, 5)
    assert (found.count, found.total) == (5, Decimal("10.00"))


# --- C5 -----------------------------------------------------------------------------------------------------------

def status(session, world):
    return call(payments.payment_registration, session, world)


def test_registration_allowed_up_to_the_10th_of_the_following_month(session, world):
    invoices_until(session, world.account, OCT, 3)
    clock.set_now(dt.datetime(2026, 11, 10, 23, 59))
    allowed = status(session, world)
    assert allowed.allowed and allowed.deadline == dt.date(2026, 11, 10)
    assert allowed.reason == "Регистрация оплаты доступна до 10.11.2026."
    assert (allowed.invoice_title, allowed.amount_due) == ("Счет за октябрь 2026", Decimal("102.50"))

    clock.set_now(dt.datetime(2026, 11, 11, 0, 0))
    refused = status(session, world)
    assert not refused.allowed and refused.reason.startswith("Регистрация оплаты доступна до 10.11.2026")
    assert refusal(payments.register_payment, session, world, amount="10") == refused.reason


def test_registration_deadline_across_the_new_year(session, world):
    invoices_until(session, world.account, dt.date(2026, 12, 1), 2)
    clock.set_now(dt.date(2027, 1, 10))
    assert status(session, world).allowed
    clock.set_now(dt.date(2027, 1, 11))
    assert "до 10.01.2027" in status(session, world).reason


def test_registration_not_needed_when_the_last_invoice_is_paid(session, world):
    invoices_until(session, world.account, OCT, 3, last_paid=True)
    clock.set_now(dt.date(2026, 11, 5))
    found = status(session, world)
    assert not found.allowed and found.reason == "Последний счет оплачен: регистрация не требуется."
    assert found.amount_due == Decimal("0.00")
    assert refusal(payments.register_payment, session, world) == found.reason


def test_registration_refused_when_an_earlier_invoice_is_unpaid(session, world):
    invoices = invoices_until(session, world.account, OCT, 3)
    invoices[1].paid_amount = Decimal("50.00")  # September paid in part
    session.add(invoices[1])
    session.flush()
    clock.set_now(dt.date(2026, 11, 5))
    found = status(session, world)
    assert not found.allowed
    assert found.reason == "Есть неоплаченные счета кроме последнего: за сентябрь 2026. Регистрация оплаты недоступна."
    assert refusal(payments.register_payment, session, world) == found.reason


def test_registration_only_once_per_invoice(session, world):
    invoices_until(session, world.account, OCT, 2)
    clock.set_now(dt.datetime(2026, 11, 5, 12, 30))
    registered = call(payments.register_payment, session, world, amount="40,25")
    assert (registered.amount, registered.invoice_title, registered.author, registered.status) == (
        Decimal("40.25"), "Счет за октябрь 2026", "Петрова Анна Ивановна", "Зарегистрирована")
    session.commit()

    found = status(session, world)
    assert not found.allowed and found.reason == "Оплата по счету за октябрь 2026 уже зарегистрирована."
    assert [(r.registered_at, r.amount) for r in found.registered] == [
        (dt.datetime(2026, 11, 5, 12, 30), Decimal("40.25"))]
    assert refusal(payments.register_payment, session, world, amount="1") == found.reason
    stored = session.exec(select(GuaranteePayment)).one()
    assert stored.account_id == world.account.id and stored.user_id == world.actor.user_id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.registered")).one()
    assert event.object_id == str(stored.id) and event.details["amount"] == "40.25"


def test_registration_without_invoices(session, world):
    found = status(session, world)
    assert not found.allowed and found.deadline is None and found.invoice_title == ""


def test_registration_amount_defaults_to_what_is_due(session, world):
    invoices = invoices_until(session, world.account, OCT, 1)
    invoices[0].paid_amount = Decimal("2.25")  # paid in part: the rest is due
    session.add(invoices[0])
    session.flush()
    clock.set_now(dt.date(2026, 11, 1))
    assert status(session, world).amount_due == Decimal("98.25")
    assert call(payments.register_payment, session, world).amount == Decimal("98.25")


@pytest.mark.parametrize("amount, words", [
    ("0", "больше нуля"), ("-5", "больше нуля"), ("10.555", "не более двух знаков"),
    ("100.51", "не может быть больше суммы к оплате: 100,50 BYN"), ("сто", "числом"), ("NaN", "числом"),
])
def test_registration_amount_is_checked(session, world, amount, words):
    invoices_until(session, world.account, OCT, 1)
    clock.set_now(dt.date(2026, 11, 1))
    assert words in refusal(payments.register_payment, session, world, amount=amount)
    assert session.exec(select(GuaranteePayment)).all() == []


def test_registration_of_the_whole_amount_due(session, world):
    invoices_until(session, world.account, OCT, 1)
    clock.set_now(dt.date(2026, 11, 1))
    assert call(payments.register_payment, session, world, amount=Decimal("100.50")).amount == Decimal("100.50")


# --- isolation ------------------------------------------------------------------------------------------------------

READERS = [finance.charges_by_month, finance.top_subscribers, finance.list_invoices, finance.delivery_settings,
           payments.list_payments, payments.payment_registration, finance.account_summary]


def test_another_company_reads_and_changes_nothing(session, world):
    invoices_until(session, world.account, OCT, 2)
    clock.set_now(dt.date(2026, 11, 2))
    for account_id in (world.account.id, world.sibling.id, 999_999):
        for reader in READERS:
            with pytest.raises(AccessDenied):
                reader(session, actor=world.stranger, account_id=account_id)
        with pytest.raises(AccessDenied):
            finance.update_delivery(session, actor=world.stranger, account_id=account_id, emails="x@evil.by",
                                    invoice_format="pdf")
        with pytest.raises(AccessDenied):
            payments.register_payment(session, actor=world.stranger, account_id=account_id, amount="1")
    # the company's own administrator does not reach the sibling account outside his scope either
    with pytest.raises(AccessDenied):
        finance.list_invoices(session, actor=world.actor, account_id=world.sibling.id)
    session.commit()
    assert session.exec(select(GuaranteePayment)).all() == []
    assert session.get(PersonalAccount, world.account.id).delivery_emails == ["buh@example.test", "chief@example.test"]


# --- page views: one load, one unit of work -------------------------------------------------------------------------

def test_invoices_page_shows_the_invoices_and_their_delivery(session, world):
    invoices_until(session, world.account, OCT, 2)
    clock.set_now(dt.date(2026, 11, 5))

    found = call(finance.invoices_page, session, world)

    assert [(r.title, r.paid) for r in found.invoices] == [("Октябрь 2026", False), ("Сентябрь 2026", True)]
    assert (found.delivery.method, found.delivery.emails) == ("email", ["buh@example.test", "chief@example.test"])
    assert found.delivery.format_title == "PDF"
    with pytest.raises(AccessDenied):
        finance.invoices_page(session, actor=world.stranger, account_id=world.account.id)


def test_payments_page_shows_the_month_and_the_registration(session, world):
    invoices_until(session, world.account, OCT, 3)
    make_payment(session, world.account, dt.date(2026, 11, 2), "20.50", "п/п № 11")
    make_payment(session, world.other_account, dt.date(2026, 11, 3), "999.00")
    clock.set_now(dt.date(2026, 11, 5))

    found = call(payments.payments_page, session, world)

    assert [(r.paid_on, r.amount) for r in found.payments.rows] == [(dt.date(2026, 11, 2), Decimal("20.50"))]
    assert found.registration.allowed and found.registration.reason == "Регистрация оплаты доступна до 10.11.2026."
    assert found.registration.amount_due == Decimal("102.50")
    with pytest.raises(AccessDenied):
        payments.payments_page(session, actor=world.stranger, account_id=world.account.id)


def test_delivery_addresses_are_checked_as_a_step_that_takes_them_is_left():
    assert finance.check_delivery_emails("A@Example.test; b@example.test") == ["a@example.test", "b@example.test"]
    assert finance.check_delivery_emails("", required=False) == []
    for typed, words in (("", "хотя бы один"), ("a@example.test\nnot-an-address", "«not-an-address»"),
                         (",".join(f"u{n}@example.test" for n in range(6)), "не более 5")):
        with pytest.raises(DomainError, match=words):
            finance.check_delivery_emails(typed)
