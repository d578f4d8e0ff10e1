"""Orders that become requests: «Отправить счет» (C2), «Детализация на Email» (C6), «Акт сверки» (C7); their
date rules at the boundaries, the choice of subscribers, the delivery address, and the worker's e-mails."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import OutboxAttachment, OutboxEmail, Request, RequestItem, RequestKind, Subscriber
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance import orders, quotas
from cabinet.services.finance.working_days import add_working_days, is_working_day
from cabinet.services.requests import history
from cabinet.services.subscribers import listing
from cabinet.services.subscribers.choice import Choice
from cabinet.services.subscribers.uploads import UploadRejected
from tests.unit.factories import make_subscriber, real_worker
from tests.unit.finance_factories import add_line, invoices_until, make_invoice

OCT = dt.date(2026, 10, 1)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def refusal(fn, session, world, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        fn(session, actor=world.actor, account_id=world.account.id, **kwargs)
    return refused.value.message


def without_identity(params: dict) -> dict:
    """A request's params as the order gave them, without what the quotas add to find an identical one."""
    return {key: value for key, value in params.items() if key != quotas.IDENTITY}


def stored_requests(session) -> list[Request]:
    return session.exec(select(Request).order_by(Request.id)).all()


# --- C2: «Отправить счет» ------------------------------------------------------------------------------------

def order_invoice(session, world, invoice, key="inv-1"):
    return orders.order_invoice(session, actor=world.actor, account_id=world.account.id, invoice_id=invoice.id,
                                 idempotency_key=key)


def test_ordering_an_invoice_stores_a_request_seen_in_the_history_at_once(session, world):
    invoice = make_invoice(session, world.account, OCT, paid=False)
    result = order_invoice(session, world, invoice)
    session.commit()

    assert result.recipients == ["buh@example.test", "chief@example.test"]
    assert result.message == ("Счет за октябрь 2026 будет отправлен на buh@example.test, chief@example.test "
                              "в формате PDF.")
    request = session.get(Request, result.request_id)
    assert request.kind == RequestKind.INVOICE_EMAIL and request.total_items == 1
    assert without_identity(request.params) == {"invoice_id": invoice.id, "format": "pdf", "period": "октябрь 2026",
                              "recipients": ["buh@example.test", "chief@example.test"]}
    listed = history.list_requests(session, actor=world.actor, account_id=world.account.id)
    assert [(r.id, r.kind_title, r.status_title) for r in listed.rows] == [
        (result.request_id, "Отправка счета", "Принята")]


def test_ordering_twice_with_one_key_makes_one_request(session, world):
    invoice = make_invoice(session, world.account, OCT)
    first = order_invoice(session, world, invoice)
    again = order_invoice(session, world, invoice)
    assert first == again and len(stored_requests(session)) == 1


def test_the_invoice_goes_in_the_accounts_format(session, world):
    world.account.invoice_format = "xlsx"
    session.add(world.account)
    invoice = make_invoice(session, world.account, OCT)
    result = order_invoice(session, world, invoice)
    assert result.message.endswith("в формате Excel.")
    assert session.get(Request, result.request_id).params["format"] == "xlsx"


def test_no_invoice_by_email_when_the_client_collects_it_or_gave_no_address(session, world):
    invoice = make_invoice(session, world.account, OCT)
    world.account.delivery_method = "self"
    session.add(world.account)
    assert "«Получает сам»" in refusal(orders.order_invoice, session, world, invoice_id=invoice.id,
                                       idempotency_key="k1")
    world.account.delivery_method, world.account.delivery_emails = "email", []
    session.add(world.account)
    assert refusal(orders.order_invoice, session, world, invoice_id=invoice.id, idempotency_key="k2") == \
        "Укажите адрес доставки счетов в блоке «Лицевой счет»."
    assert stored_requests(session) == []


def test_only_a_regular_invoice_of_this_account(session, world):
    foreign = make_invoice(session, world.other_account, OCT)
    sibling = make_invoice(session, world.sibling, OCT)
    preliminary = make_invoice(session, world.account, dt.date(2026, 11, 1), is_regular=False)
    for invoice_id in (foreign.id, sibling.id, preliminary.id, 999_999, 0):
        with pytest.raises(AccessDenied):
            orders.order_invoice(session, actor=world.actor, account_id=world.account.id, invoice_id=invoice_id,
                                  idempotency_key=f"k{invoice_id}")
    assert stored_requests(session) == []


# --- C6: the period ----------------------------------------------------------------------------------------------

def detail(session, world, year=2026, month=10, key="det-1", layout="sheet_per_subscriber", **choice):
    return orders.order_call_detail(session, actor=world.actor, account_id=world.account.id, year=year, month=month,
                                     idempotency_key=key, layout=layout, choice=Choice(**choice))


def test_call_detail_three_years_back_allowed_a_month_more_refused(session, world):
    sub = make_subscriber(session, world.account)
    assert detail(session, world, 2023, 11, subscriber_ids=[sub.id]).request_id
    assert detail(session, world, 2026, 11, key="det-2", subscriber_ids=[sub.id]).request_id  # the current month
    assert refusal(orders.order_call_detail, session, world, year=2023, month=10, choice=Choice(subscriber_ids=[sub.id]),
                   idempotency_key="det-3") == "Детализация доступна за 3 года: с ноября 2023."
    assert "еще недоступна" in refusal(orders.order_call_detail, session, world, year=2026, month=12,
                                       choice=Choice(subscriber_ids=[sub.id]), idempotency_key="det-4")
    assert "Выберите год и месяц" in refusal(orders.order_call_detail, session, world, year=2026, month=13,
                                             choice=Choice(subscriber_ids=[sub.id]), idempotency_key="det-5")


def test_call_detail_periods_offered():
    periods = orders.detail_periods()
    assert len(periods) == 37
    assert (periods[0].year, periods[0].month, periods[0].title) == (2026, 11, "Ноябрь 2026")
    assert (periods[-1].year, periods[-1].month) == (2023, 11)


# --- C6: choosing subscribers --------------------------------------------------------------------------------------

@pytest.fixture
def people(session, world):
    subs = [
        make_subscriber(session, world.account, number="375291110001", name="Иванов Петр"),
        make_subscriber(session, world.account, number="375291110002", name="Петрова Анна"),
        make_subscriber(session, world.account, number="375331110003", name="Склад_1 100%"),
        make_subscriber(session, world.account, number="375441119999", name="Сидоров Иван", status="waiting"),
    ]
    make_subscriber(session, world.other_account, number="375291110005", name="Иванов Чужой")
    session.commit()
    return subs


def candidates(session, world, **kwargs):
    """The subscribers «Детализация на Email» offers to tick: the «Абоненты» list, searched the same way."""
    page = listing.list_subscribers(session, actor=world.actor, account_id=world.account.id, **kwargs)
    return page, [row.number for row in page.rows]


def test_candidates_found_by_a_part_of_the_number_or_the_name(session, world, people):
    assert candidates(session, world)[1] == [s.number for s in people]
    assert candidates(session, world, search="29111")[1] == ["375291110001", "375291110002"]
    assert candidates(session, world, search="+375 29 111-00-02")[1] == ["375291110002"]
    for search in ("иван", "Иван", "ИВАН"):
        assert candidates(session, world, search=search)[1] == ["375291110001", "375441119999"]
    assert candidates(session, world, search="_1 1")[1] == ["375331110003"]  # LIKE wildcards are literal
    assert candidates(session, world, search="100%")[1] == ["375331110003"]
    page, _ = candidates(session, world, search="иван")
    assert page.rows[1].status_title == "Ожидание активации" and page.rows[0].name == "Иванов Петр"


def test_every_subscriber_found_by_a_part_of_the_sim_is_in_the_detail_of_all_found(session, world, people):
    """A search shows subscribers by a part of their SIM too, and «выбрать все найденные» takes exactly those."""
    people[3].sim_iccid = "89375000000000123456"
    session.add(people[3])
    session.commit()
    page, shown = candidates(session, world, search="00000000123")
    assert shown == ["375441119999"]
    result = detail(session, world, all_matching="00000000123")
    items = session.exec(select(RequestItem.number).where(RequestItem.request_id == result.request_id)).all()
    assert items == shown


def test_candidates_are_paged(session, world, people):
    page, numbers = candidates(session, world, page=2, page_size=3)
    assert (page.total, page.pages, numbers) == (4, 2, ["375441119999"])


def test_detail_for_ticked_subscribers(session, world, people):
    result = detail(session, world, subscriber_ids=[people[1].id, people[0].id, people[1].id])
    session.commit()
    assert result.message == "Детализация за октябрь 2026 по 2 абонентам будет отправлена на buh@example.test, " \
                             "chief@example.test."
    request = session.get(Request, result.request_id)
    assert request.kind == RequestKind.CALL_DETAIL
    assert without_identity(request.params) == {"year": 2026, "month": 10, "layout": "sheet_per_subscriber",
                              "recipients": ["buh@example.test", "chief@example.test"]}
    items = session.exec(select(RequestItem).where(RequestItem.request_id == request.id)
                         .order_by(RequestItem.position)).all()
    assert [(i.subscriber_id, i.number) for i in items] == [(people[1].id, people[1].number),
                                                           (people[0].id, people[0].number)]


def test_detail_for_all_subscribers_matching_a_search(session, world, people):
    result = detail(session, world, all_matching="иван", layout="single_sheet")
    items = session.exec(select(RequestItem.number).where(RequestItem.request_id == result.request_id)).all()
    assert sorted(items) == ["375291110001", "375441119999"]
    assert session.get(Request, result.request_id).params["layout"] == "single_sheet"
    everyone = detail(session, world, key="det-2", all_matching="")
    assert session.get(Request, everyone.request_id).total_items == 4


def test_detail_for_uploaded_numbers(session, world, people):
    result = detail(session, world, numbers=[people[2].number, people[0].number])
    assert session.get(Request, result.request_id).total_items == 2


def test_uploaded_numbers_not_on_the_account_are_listed(session, world, people):
    with pytest.raises(UploadRejected) as refused:
        detail(session, world, numbers=[people[0].number, "375291110005", "375000000000"])
    assert "375291110005, 375000000000" in refused.value.message
    assert [e.row for e in refused.value.errors] == [2, 3]
    assert stored_requests(session) == []


def test_ticked_ids_of_another_account_are_refused(session, world, people):
    foreign = session.exec(select(Subscriber).where(Subscriber.account_id == world.other_account.id)).one()
    sibling = make_subscriber(session, world.sibling)
    for ids in ([people[0].id, foreign.id], [sibling.id], [999_999], ["x"]):
        with pytest.raises(AccessDenied):
            detail(session, world, subscriber_ids=ids)
    assert stored_requests(session) == []


def test_exactly_one_way_of_choosing_and_at_least_one_subscriber(session, world, people):
    def message(layout="sheet_per_subscriber", **choice):
        return refusal(orders.order_call_detail, session, world, year=2026, month=10, idempotency_key="k",
                       layout=layout, choice=Choice(**choice))

    assert message() == "Выберите хотя бы одного абонента."
    assert message(subscriber_ids=[]) == "Выберите хотя бы одного абонента."
    assert message(numbers=[]) == "Выберите хотя бы одного абонента."
    assert message(all_matching="нет такого") == "Выберите хотя бы одного абонента."
    assert "одним способом" in message(subscriber_ids=[people[0].id], numbers=[people[1].number])
    assert "одним способом" in message(subscriber_ids=[people[0].id], all_matching="")
    assert "вид детализации" in message(subscriber_ids=[people[0].id], layout="pivot")
    assert stored_requests(session) == []


def test_at_most_ten_thousand_subscribers_per_order(session, world, people, monkeypatch):
    monkeypatch.setattr(orders, "MAX_DETAIL_SUBSCRIBERS", 3)
    ids = [s.id for s in people]
    for choice in (dict(subscriber_ids=ids), dict(all_matching=""), dict(numbers=[s.number for s in people])):
        message = refusal(orders.order_call_detail, session, world, year=2026, month=10, idempotency_key="k",
                          choice=Choice(**choice))
        assert message.startswith("В одной заявке на детализацию — не более 3 абонентов, выбрано 4")
    assert detail(session, world, subscriber_ids=ids[:3]).request_id
    monkeypatch.undo()
    assert orders.MAX_DETAIL_SUBSCRIBERS == 10_000


def test_detail_needs_the_delivery_address(session, world, people):
    world.account.delivery_emails = []
    session.add(world.account)
    assert refusal(orders.order_call_detail, session, world, year=2026, month=10,
                   choice=Choice(subscriber_ids=[people[0].id]),
                   idempotency_key="k") == "Укажите адрес доставки счетов в блоке «Лицевой счет»."


# --- C7 -------------------------------------------------------------------------------------------------------------

def reconcile(session, world, date_from, date_to=dt.date(2026, 10, 31), key="rec-1", **kwargs):
    return orders.order_reconciliation(session, actor=world.actor, account_id=world.account.id, date_from=date_from,
                                        date_to=date_to, idempotency_key=key, **kwargs)


def test_reconciliation_three_years_back_allowed_a_day_more_refused(session, world):
    result = reconcile(session, world, dt.date(2023, 11, 16))
    assert result.expected_on == dt.date(2026, 11, 30)  # 10 working days after Monday 16.11.2026
    assert result.message == ("Акт сверки будет отправлен на buh@example.test, chief@example.test "
                              "не позднее 30.11.2026.")
    request = session.get(Request, result.request_id)
    assert request.kind == RequestKind.RECONCILIATION and request.expected_on == dt.date(2026, 11, 30)
    assert without_identity(request.params) == {"date_from": "2023-11-16", "date_to": "2026-10-31",
                              "recipients": ["buh@example.test", "chief@example.test"]}
    assert refusal(orders.order_reconciliation, session, world, date_from=dt.date(2023, 11, 15),
                   date_to=dt.date(2026, 10, 31), idempotency_key="rec-2") == \
        "Акт сверки доступен за 3 года: с 16.11.2023."


def test_reconciliation_period_ends_today_at_the_latest(session, world):
    assert reconcile(session, world, dt.date(2026, 11, 16), dt.date(2026, 11, 16)).request_id
    assert "позже сегодняшней" in refusal(orders.order_reconciliation, session, world, date_from=dt.date(2026, 1, 1),
                                          date_to=dt.date(2026, 11, 17), idempotency_key="k")
    assert refusal(orders.order_reconciliation, session, world, date_from=dt.date(2026, 2, 1),
                   date_to=dt.date(2026, 1, 31), idempotency_key="k") == "Дата начала периода позже даты окончания."
    assert "Укажите" in refusal(orders.order_reconciliation, session, world, date_from=None,
                                date_to=dt.date(2026, 1, 31), idempotency_key="k")


def test_reconciliation_to_another_checked_address(session, world):
    result = reconcile(session, world, dt.date(2026, 1, 1), email=" Director@Firma.BY ")
    assert result.recipients == ["director@firma.by"]
    assert "«director@firma»" in refusal(orders.order_reconciliation, session, world, date_from=dt.date(2026, 1, 1),
                                         date_to=dt.date(2026, 10, 31), email="director@firma", idempotency_key="k")


def test_reconciliation_without_a_delivery_address_needs_another_one(session, world):
    world.account.delivery_method = "self"
    session.add(world.account)
    assert "«Получает сам»" in refusal(orders.order_reconciliation, session, world, date_from=dt.date(2026, 1, 1),
                                       date_to=dt.date(2026, 10, 31), idempotency_key="k")
    assert reconcile(session, world, dt.date(2026, 1, 1), email="a@firma.by").recipients == ["a@firma.by"]


def test_working_days_skip_belarusian_holidays():
    # 28.12.2026 (Monday): 29, 30, 31 Dec; 1 Jan (holiday), 2–3 Jan (weekend); 4, 5, 6 Jan; 7 Jan (Christmas);
    # 8, 11, 12, 13 Jan.
    assert add_working_days(dt.date(2026, 12, 28), 10) == dt.date(2027, 1, 13)
    assert not is_working_day(dt.date(2027, 1, 1)) and not is_working_day(dt.date(2027, 1, 7))
    # 17.04.2026 (Friday): 20 Apr is a day off moved from Saturday 25 Apr, 21 Apr is Radunitsa, 1 May is Labour
    # Day; the working Saturday 25 Apr is not counted (working Saturdays are ignored on purpose).
    assert add_working_days(dt.date(2026, 4, 17), 10) == dt.date(2026, 5, 6)
    assert not is_working_day(dt.date(2026, 4, 25))


def test_reconciliation_expected_date_across_the_new_year(session, world):
    clock.set_now(dt.datetime(2026, 12, 28, 9, 0))
    result = reconcile(session, world, dt.date(2026, 1, 1), dt.date(2026, 12, 27))
    assert result.expected_on == dt.date(2027, 1, 13) and result.message.endswith("не позднее 13.01.2027.")


# --- isolation ------------------------------------------------------------------------------------------------------

def test_another_company_orders_nothing_and_sees_no_subscribers(session, world, people):
    invoice = make_invoice(session, world.account, OCT)
    session.commit()
    for account_id in (world.account.id, world.sibling.id):
        calls = [
            lambda: orders.order_invoice(session, actor=world.stranger, account_id=account_id,
                                          invoice_id=invoice.id, idempotency_key="s1"),
            lambda: orders.order_call_detail(session, actor=world.stranger, account_id=account_id, year=2026,
                                              month=10, choice=Choice(subscriber_ids=[people[0].id]),
                                              idempotency_key="s2"),
            lambda: orders.order_call_detail(session, actor=world.stranger, account_id=account_id, year=2026,
                                              month=10, choice=Choice(all_matching=""), idempotency_key="s3"),
            lambda: orders.order_reconciliation(session, actor=world.stranger, account_id=account_id,
                                                 date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 10, 31),
                                                 email="spy@evil.by", idempotency_key="s4"),
            lambda: listing.list_subscribers(session, actor=world.stranger, account_id=account_id),
        ]
        for call in calls:
            with pytest.raises(AccessDenied):
                call()
    # on its own account, the stranger cannot name the first company's invoice or subscribers either
    own = dict(actor=world.stranger, account_id=world.other_account.id)
    with pytest.raises(AccessDenied):
        orders.order_invoice(session, **own, invoice_id=invoice.id, idempotency_key="s5")
    with pytest.raises(AccessDenied):
        orders.order_call_detail(session, **own, year=2026, month=10, choice=Choice(subscriber_ids=[people[0].id]),
                                  idempotency_key="s6")
    with pytest.raises(UploadRejected):
        orders.order_call_detail(session, **own, year=2026, month=10, choice=Choice(numbers=[people[0].number]),
                                  idempotency_key="s7")
    assert [r.number for r in listing.list_subscribers(session, **own, search="Иван").rows] == ["375291110005"]
    assert stored_requests(session) == []


# --- through the worker: the e-mails --------------------------------------------------------------------------------

def run_worker(session):
    session.commit()
    touched, sent = real_worker("test-worker").run_once()
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    return touched, sent


def emails_of(session, request_id):
    rows = session.exec(select(OutboxEmail).where(OutboxEmail.request_id == request_id)).all()
    return [(row, session.exec(select(OutboxAttachment).where(OutboxAttachment.email_id == row.id)).all())
            for row in rows]


@pytest.mark.parametrize("fmt, content_type, magic", [
    ("pdf", PDF, b"%PDF"), ("xlsx", XLSX, b"PK\x03\x04"), ("txt", "text/plain; charset=utf-8", None)])
def test_an_ordered_invoice_is_mailed_by_the_worker(session, world, mail_sink, fmt, content_type, magic):
    world.account.invoice_format = fmt
    session.add(world.account)
    sub = make_subscriber(session, world.account)
    invoice = make_invoice(session, world.account, OCT, "36.00", paid=False)
    add_line(session, invoice, sub, "24.00")
    add_line(session, invoice, sub, "12.00", "Услуга «Роуминг»")
    result = order_invoice(session, world, invoice)

    assert run_worker(session) == (1, 1)

    request = session.get(Request, result.request_id)
    assert (request.status, request.done_items) == ("done", 1)
    assert history.get_request(session, actor=world.actor, request_id=request.id).status_title == "Выполнена"
    item = session.exec(select(RequestItem).where(RequestItem.request_id == request.id)).one()
    assert item.result == "Счет отправлен на buh@example.test, chief@example.test"
    [(row, attachments)] = emails_of(session, request.id)
    assert row.status == "sent" and row.recipients == ["buh@example.test", "chief@example.test"]
    assert row.subject == f"Счет за октябрь 2026 по лицевому счету {world.account.number}"
    [attachment] = attachments
    assert attachment.filename.endswith(f".{fmt}") and world.account.number in attachment.filename
    assert attachment.content_type == content_type and len(attachment.content) > 100
    if magic:
        assert attachment.content.startswith(magic)
    else:
        assert "36,00" in attachment.content.decode("utf-8")
    [eml] = mail_sink.messages()
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == row.subject
    assert [part.get_filename() for part in message.iter_attachments()] == [attachment.filename]


def test_ordered_call_detail_is_one_xlsx_in_one_email(session, world, mail_sink, people):
    result = detail(session, world, subscriber_ids=[people[0].id, people[1].id, people[2].id])
    moved = session.get(Subscriber, people[2].id)  # moved to another account before the worker gets to it
    moved.account_id = world.sibling.id
    session.add(moved)

    assert run_worker(session) == (1, 1)

    request = session.get(Request, result.request_id)
    assert (request.status, request.done_items, request.refused_items) == ("partly_done", 2, 1)
    assert request.summary.startswith("Детализация за октябрь 2026 (абонентов: 2) отправлена на buh@example.test")
    results = session.exec(select(RequestItem.number, RequestItem.result).where(RequestItem.request_id == request.id)
                           .order_by(RequestItem.position)).all()
    assert results == [(people[0].number, "Включен в детализацию"), (people[1].number, "Включен в детализацию"),
                       (people[2].number, "Абонент больше не обслуживается на этом лицевом счете.")]
    [(row, [attachment])] = emails_of(session, request.id)
    assert row.subject == f"Детализация за октябрь 2026 по лицевому счету {world.account.number}"
    assert row.recipients == ["buh@example.test", "chief@example.test"] and row.status == "sent"
    assert attachment.content_type == XLSX and attachment.filename.endswith(".xlsx")
    assert attachment.content.startswith(b"PK\x03\x04")
    import io

    from python_calamine import CalamineWorkbook

    names = CalamineWorkbook.from_filelike(io.BytesIO(attachment.content)).sheet_names
    assert any(people[0].number in name for name in names) and not any(people[2].number in n for n in names)
    assert len(mail_sink.messages()) == 1


def test_call_detail_with_every_item_refused_sends_nothing(session, world, mail_sink, people):
    result = detail(session, world, subscriber_ids=[people[0].id])
    moved = session.get(Subscriber, people[0].id)
    moved.account_id = world.sibling.id
    session.add(moved)
    run_worker(session)
    assert session.get(Request, result.request_id).status == "refused"
    assert emails_of(session, result.request_id) == []


def test_ordered_reconciliation_act_is_mailed_as_pdf(session, world, mail_sink):
    invoices_until(session, world.account, OCT, 3)
    result = reconcile(session, world, dt.date(2026, 1, 1), email="director@firma.by")

    assert run_worker(session) == (1, 1)

    request = session.get(Request, result.request_id)
    assert request.status == "done" and request.expected_on == dt.date(2026, 11, 30)
    item = session.exec(select(RequestItem).where(RequestItem.request_id == request.id)).one()
    assert item.result == "Акт сверки отправлен на director@firma.by"
    [(row, [attachment])] = emails_of(session, request.id)
    assert row.recipients == ["director@firma.by"]
    assert row.subject == f"Акт сверки за 01.01.2026–31.10.2026 по лицевому счету {world.account.number}"
    assert attachment.content_type == PDF and attachment.filename.endswith(".pdf")
    assert attachment.content.startswith(b"%PDF") and len(attachment.content) > 500


# --- C2: a second «Отправить счет» for the same period --------------------------------------------------------

def previous(session, world, invoice):
    return orders.previous_invoice_sending(session, actor=world.actor, account_id=world.account.id,
                                           invoice_id=invoice.id)


def test_a_second_sending_is_told_when_and_where_the_invoice_went_and_may_send_it_again(session, world, mail_sink):
    october = make_invoice(session, world.account, OCT, paid=False)
    september = make_invoice(session, world.account, dt.date(2026, 9, 1))
    assert previous(session, world, october) is None
    clock.set_now(dt.datetime(2026, 11, 5, 10, 15))
    first = order_invoice(session, world, october)
    session.commit()
    pending = previous(session, world, october)
    assert (pending.request_id, pending.sent) == (first.request_id, False)
    assert pending.notice.startswith("Счет за октябрь 2026 уже заказан 05.11.2026 в 10:15 и отправляется на "
                                     "buh@example.test, chief@example.test.")

    clock.set_now(dt.datetime(2026, 11, 5, 10, 16))
    run_worker(session)
    sent = previous(session, world, october)
    assert sent.sent and sent.recipients == ["buh@example.test", "chief@example.test"]
    assert sent.notice == ("Счет за октябрь 2026 уже отправлен 05.11.2026 в 10:16 на buh@example.test, "
                           "chief@example.test. Если письмо не пришло, отправьте счет повторно.")
    assert previous(session, world, september) is None  # another period was never sent

    again = order_invoice(session, world, october, key="inv-2")  # the resend is a request of its own
    session.commit()
    assert again.request_id != first.request_id
    assert previous(session, world, october).request_id == again.request_id


def test_the_previous_sending_is_of_the_actors_own_account_only(session, world):
    invoice = make_invoice(session, world.account, OCT)
    with pytest.raises(AccessDenied):
        orders.previous_invoice_sending(session, actor=world.stranger, account_id=world.other_account.id,
                                        invoice_id=invoice.id)


# --- the wizards' steps, checked when they are left ----------------------------------------------------------------

@pytest.mark.parametrize("date_from, date_to, errors", [
    (dt.date(2026, 1, 1), dt.date(2026, 11, 16), {}),
    (dt.date(2023, 11, 16), dt.date(2023, 11, 16), {}),
    (None, None, {"date_from": "Укажите начальную дату периода.", "date_to": "Укажите конечную дату периода."}),
    (dt.date(2026, 3, 1), dt.date(2026, 2, 1), {"date_from": "Дата начала периода позже даты окончания."}),
    (dt.date(2026, 11, 17), dt.date(2026, 11, 17),
     {"date_from": "Дата начала периода не может быть позже сегодняшней (16.11.2026).",
      "date_to": "Дата окончания периода не может быть позже сегодняшней (16.11.2026)."}),
    (dt.date(2023, 11, 15), dt.date(2026, 1, 1), {"date_from": "Акт сверки доступен за 3 года: с 16.11.2023."}),
    (dt.date(2023, 1, 1), dt.date(2023, 11, 15), {"date_from": "Акт сверки доступен за 3 года: с 16.11.2023.",
                                                  "date_to": "Акт сверки доступен за 3 года: с 16.11.2023."}),
])
def test_a_reconciliation_period_is_checked_field_by_field(date_from, date_to, errors):
    assert orders.reconciliation_period_errors(date_from, date_to) == errors


def test_a_call_detail_period_is_within_three_years_and_not_in_the_future():
    assert orders.check_detail_period(2026, 11) == dt.date(2026, 11, 1)
    assert orders.check_detail_period(2023, 11) == dt.date(2023, 11, 1)
    for year, month, words in ((2026, 12, "еще недоступна"), (2023, 10, "доступна за 3 года: с ноября 2023"),
                               (2026, 13, "Выберите год и месяц")):
        with pytest.raises(DomainError, match=words):
            orders.check_detail_period(year, month)
