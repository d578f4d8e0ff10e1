"""A request's letter told as it is: queued, then sent, or refused by the server with its reason (5xx at once, a
temporary failure after MAX_ATTEMPTS), or tried again at a time the item names; seen where the user looks."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket

import aiosmtplib
import pytest
from sqlmodel import select

from cabinet import clock, settings
from cabinet.delivery import mailer, outcome, smtp_sink
from cabinet.models import AuditEvent, OutboxEmail, Request
from cabinet.services.finance import orders
from cabinet.services.requests import history, letters
from cabinet.services.subscribers.choice import Choice
from tests.unit.factories import make_subscriber, real_worker
from tests.unit.finance_factories import make_invoice, make_world

OCT = dt.date(2026, 10, 1)
UNKNOWN = "550 5.1.1 <{}>: Recipient address rejected: User unknown"
LATER = "451 4.7.1 Greylisted, try again later"


@pytest.fixture
def start_sink(embedded_mail):
    """Starts the plain sink when the test says so."""
    sinks = []
    yield lambda: sinks.append(smtp_sink.start_sink()) or sinks[-1]
    for sink in sinks:
        sink.stop()


def order_invoice(session, world) -> int:
    invoice = make_invoice(session, world.account, OCT, paid=False)
    result = orders.order_invoice(session, actor=world.actor, account_id=world.account.id, invoice_id=invoice.id,
                                  idempotency_key="inv-1")
    session.commit()
    assert real_worker().process_next_request()  # the item done, its letter queued; nothing sent yet
    return result.request_id


def send() -> int:
    return asyncio.run(mailer.send_due_emails("w1", tell=letters.tell))


def shown(session, world, request_id) -> tuple[str, list[tuple[str, str]], bool]:
    """What the request's page shows: the request's status, (status, result) of each item, still sending."""
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    view = history.request_view(session, actor=world.actor, request_id=request_id)
    return view.request.status_title, [(i.status_title, i.result) for i in view.items.rows], view.sending


def summary(session, world, request_id) -> tuple[str, str]:
    """What «История заявок» shows of a request: its status and summary."""
    session.commit()
    session.expire_all()
    request = history.get_request(session, actor=world.actor, request_id=request_id)
    return request.status_title, request.summary


def letter(session, request_id) -> OutboxEmail:
    return session.exec(select(OutboxEmail).where(OutboxEmail.request_id == request_id)).one()


def refusals(session) -> list[dict]:
    return [e.details for e in session.exec(select(AuditEvent).where(AuditEvent.action == letters.REFUSED_ACTION))]


def test_an_invoice_is_told_queued_until_the_server_takes_it(session, world, refusing_sink):
    request_id = order_invoice(session, world)
    assert shown(session, world, request_id) == (
        "Выполнена", [("Выполнено", "Письмо на buh@example.test, chief@example.test ставится в очередь")], True)

    assert send() == 1
    assert shown(session, world, request_id) == (
        "Выполнена", [("Выполнено", "Счет отправлен на buh@example.test, chief@example.test")], False)
    assert refusing_sink.delivered == [["buh@example.test", "chief@example.test"]]
    assert refusals(session) == []


@pytest.mark.parametrize("stage, reason", [
    ("rcpt", "почтовый сервер отказал получателю gone@example.test "
             "(550 5.1.1 <gone@example.test>: Recipient address rejected: User unknown)"),
    ("mail", "почтовый сервер отказал отправителю cabinet@operator.example (553 5.7.1 Sender address rejected)"),
    ("data", "почтовый сервер не принял письмо (554 5.6.0 Message content rejected)"),
])
def test_a_5xx_refuses_the_item_at_once_with_the_servers_reason(session, monkeypatch, refusing_sink, stage, reason):
    monkeypatch.setenv("MAIL_FROM", "cabinet@operator.example")
    settings.reset()
    world = make_world(session, delivery_emails=["gone@example.test"])
    request_id = order_invoice(session, world)
    if stage == "rcpt":
        refusing_sink.replies["gone@example.test"] = UNKNOWN.format("gone@example.test")
    elif stage == "mail":
        refusing_sink.mail_reply = "553 5.7.1 Sender address rejected"
    else:
        refusing_sink.data_reply = "554 5.6.0 Message content rejected"

    assert send() == 0
    assert shown(session, world, request_id) == ("Отклонена", [("Отказано", f"Письмо не доставлено: {reason}")], False)
    request = session.get(Request, request_id)
    assert (request.done_items, request.refused_items) == (0, 1)
    assert (letter(session, request_id).status, letter(session, request_id).attempts) == ("failed", 1)
    [event] = refusals(session)
    assert event["reason"] == reason and event["partly"] is False

    refusing_sink.replies.clear()
    refusing_sink.mail_reply = refusing_sink.data_reply = ""
    clock.advance(days=1)
    assert send() == 0  # never tried again
    assert letter(session, request_id).attempts == 1
    assert refusing_sink.delivered == []


def test_a_partly_refused_list_names_the_address_not_reached(session, world, refusing_sink):
    refusing_sink.replies["chief@example.test"] = UNKNOWN.format("chief@example.test")
    request_id = order_invoice(session, world)

    assert send() == 1
    assert shown(session, world, request_id) == ("Выполнена", [(
        "Выполнено", "Счет отправлен на buh@example.test; не доставлено на chief@example.test: "
                     "550 5.1.1 <chief@example.test>: Recipient address rejected: User unknown")], False)
    assert refusing_sink.delivered == [["buh@example.test"]]
    row = letter(session, request_id)
    assert row.status == "sent"
    assert row.refused == {"chief@example.test": UNKNOWN.format("chief@example.test")}
    [event] = refusals(session)
    assert event["refused"] == "chief@example.test" and event["partly"] is True
    clock.advance(days=1)
    assert send() == 0 and len(refusing_sink.delivered) == 1


def test_a_4xx_is_tried_again_with_the_wait_shown_then_refused_after_the_last_attempt(session, world, refusing_sink):
    refusing_sink.replies.update({"buh@example.test": LATER, "chief@example.test": LATER})
    request_id = order_invoice(session, world)

    assert send() == 0  # 10:00:00, the next attempt 30 s later
    waiting = "почтовый сервер временно не принимает письма (451 4.7.1 Greylisted, try again later)"
    assert shown(session, world, request_id) == (
        "Выполнена", [("Выполнено", f"Письмо не отправлено: {waiting}, следующая попытка в 10:01")], True)
    assert send() == 0  # not due yet
    assert letter(session, request_id).attempts == 1

    clock.advance(seconds=30)
    assert send() == 0  # 10:00:30, the next a minute later
    assert shown(session, world, request_id)[1] == [
        ("Выполнено", f"Письмо не отправлено: {waiting}, следующая попытка в 10:02")]

    for _ in range(outcome.MAX_ATTEMPTS - 2):
        clock.advance(hours=1)
        send()
    assert shown(session, world, request_id) == (
        "Отклонена", [("Отказано", f"Письмо не доставлено: {waiting} (попыток: 8)")], False)
    assert (letter(session, request_id).status, letter(session, request_id).attempts) == ("failed", 8)
    assert len(refusals(session)) == 1
    clock.advance(days=1)
    assert send() == 0 and refusing_sink.delivered == []


def test_a_refused_connection_is_tried_again_and_the_letter_sent_once_the_server_is_up(session, world, start_sink):
    request_id = order_invoice(session, world)  # nothing listens on the port yet

    assert send() == 0
    assert shown(session, world, request_id)[1] == [
        ("Выполнено", "Письмо не отправлено: почтовый сервер временно недоступен, следующая попытка в 10:01")]

    sink = start_sink()
    clock.advance(seconds=30)
    assert send() == 1
    assert shown(session, world, request_id) == (
        "Выполнена", [("Выполнено", "Счет отправлен на buh@example.test, chief@example.test")], False)
    assert len(sink.messages()) == 1
    assert letter(session, request_id).attempts == 2


def test_a_server_that_never_answers_times_out_and_is_tried_again(session, world, embedded_mail, monkeypatch):
    monkeypatch.setattr(mailer, "SMTP_TIMEOUT", 0.5)
    request_id = order_invoice(session, world)
    with socket.socket() as silent:  # connections are taken by the kernel, and nothing is ever said
        silent.bind(("127.0.0.1", settings.get().smtp_port))
        silent.listen()
        assert send() == 0
    assert shown(session, world, request_id)[1] == [
        ("Выполнено", "Письмо не отправлено: почтовый сервер не ответил вовремя, следующая попытка в 10:01")]
    row = letter(session, request_id)
    assert (row.status, row.attempts, row.claimed_by) == ("pending", 1, None)
    assert "Timeout" in row.last_error or "timed out" in row.last_error.lower()


def test_a_refused_call_detail_refuses_the_subscribers_it_was_for(session, world, refusing_sink):
    subscribers = [make_subscriber(session, world.account) for _ in range(2)]
    result = orders.order_call_detail(session, actor=world.actor, account_id=world.account.id, year=2026, month=10,
                                      idempotency_key="det-1", choice=Choice(subscriber_ids=[s.id for s in subscribers]))
    session.commit()
    refusing_sink.replies.update({a: UNKNOWN.format(a) for a in ("buh@example.test", "chief@example.test")})
    assert real_worker().process_next_request()
    assert summary(session, world, result.request_id) == (
        "Выполнена", "Письмо на buh@example.test, chief@example.test ставится в очередь")

    assert send() == 0
    reason = ("Письмо не доставлено: почтовый сервер отказал получателям "
              f"buh@example.test ({UNKNOWN.format('buh@example.test')}), "
              f"chief@example.test ({UNKNOWN.format('chief@example.test')})")
    assert summary(session, world, result.request_id) == ("Отклонена", reason)
    assert shown(session, world, result.request_id)[1] == [("Отказано", reason)] * 2
    request = session.get(Request, result.request_id)
    assert (request.done_items, request.refused_items) == (0, 2)


def test_a_refused_sign_in_of_the_cabinet_itself_is_tried_again_not_blamed_on_the_letter():
    letter = outcome.Letter(id=1, recipients=["buh@example.test"], attempts=0, sent_text="Счет отправлен")
    tried = outcome.failed(letter, aiosmtplib.SMTPAuthenticationError(535, "5.7.8 Authentication failed"))
    assert tried.status == outcome.PENDING
    assert tried.text.startswith("Письмо не отправлено: почтовый сервер не принял вход Личного кабинета (535 ")
