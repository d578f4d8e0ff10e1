"""The e-mail outbox: queued with its cause, delivered over real SMTP to the embedded sink, retried, never twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import re
import threading

import pytest
from sqlmodel import select

from cabinet import clock, settings
from cabinet.delivery import Attachment, enqueue_email, mailer, smtp_sink
from cabinet.delivery.sms import EmbeddedSmsGateway, SmsGateway
from cabinet.delivery.sms import gateway as sms_gateway
from cabinet.models import OutboxAttachment, OutboxEmail
from cabinet.services.requests import letters
from tests.conftest import TEST_DATABASE_URL

PDF = b"%PDF-1.4\n% test invoice\n" + bytes(range(256)) * 4


@pytest.fixture
def mail_env(monkeypatch, embedded_mail, engine):
    """Settings for the embedded mode on a free port, with data under tmp_path; the sink is NOT started."""
    monkeypatch.setenv("MAIL_FROM", "cabinet@operator.example")
    settings.reset()
    sinks = []

    def start():
        sink = smtp_sink.start_sink()
        sinks.append(sink)
        return sink

    yield start
    for sink in sinks:
        sink.stop()
    settings.reset()


def send(worker="w1"):
    return asyncio.run(mailer.send_due_emails(worker, tell=letters.tell))


def reload(session, email_id) -> OutboxEmail:
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    return session.get(OutboxEmail, email_id)


def queue_invoice(session) -> int:
    email_id = enqueue_email(
        session,
        recipients=["buh@example.test", "director@example.test"],
        subject="Счет за октябрь 2026",
        body="Здравствуйте!\nСчет во вложении.",
        attachments=[Attachment("Счет_2026-10.pdf", "application/pdf", PDF)],
    )
    session.commit()
    return email_id


def test_email_arrives_as_eml_with_message_id_and_attachment(session, mail_env):
    sink = mail_env()
    email_id = queue_invoice(session)
    message_id = reload(session, email_id).message_id

    assert send() == 1

    files = sink.messages()
    assert len(files) == 1
    assert files[0].parent == settings.get().mail_dir
    assert re.sub(r"[^A-Za-z0-9._-]+", "_", message_id.strip("<>")) in files[0].name
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Message-ID"] == message_id
    assert message["Subject"] == "Счет за октябрь 2026"
    assert message["From"] == "cabinet@operator.example"
    assert "buh@example.test" in message["To"] and "director@example.test" in message["To"]
    assert "Счет во вложении." in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Счет_2026-10.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    assert not list(sink.mail_dir.glob(".incoming-*"))  # written to a temp name, then renamed

    row = reload(session, email_id)
    assert (row.status, row.attempts, row.sent_at, row.claimed_by) == ("sent", 1, clock.now(), None)


def test_sent_row_is_never_sent_again(session, mail_env):
    sink = mail_env()
    email_id = queue_invoice(session)
    assert send() == 1
    clock.advance(days=2)
    assert send("another-worker") == 0
    assert len(sink.messages()) == 1
    assert reload(session, email_id).attempts == 1


def test_failing_smtp_is_retried_with_backoff_then_delivered_once(session, mail_env):
    email_id = queue_invoice(session)  # nothing listens on the port yet

    assert send() == 0
    row = reload(session, email_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=30)
    assert row.claimed_by is None and row.lease_until is None

    assert send() == 0  # not due yet: no new attempt
    assert reload(session, email_id).attempts == 1

    clock.advance(seconds=30)
    assert send() == 0  # still down: second attempt, twice the wait
    row = reload(session, email_id)
    assert row.attempts == 2
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=60)

    sink = mail_env()
    clock.advance(seconds=59)
    assert send() == 0  # the server is up, but the row waits for its time
    assert sink.messages() == []
    clock.advance(seconds=1)
    assert send() == 1
    assert send() == 0
    assert len(sink.messages()) == 1
    row = reload(session, email_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")


def test_gives_up_after_eight_failed_attempts(session, mail_env):
    email_id = queue_invoice(session)
    waits = []
    for _ in range(8):
        before = clock.now()
        send()
        row = reload(session, email_id)
        waits.append((row.next_attempt_at - before).total_seconds())
        clock.advance(hours=2)
    row = reload(session, email_id)
    assert (row.status, row.attempts) == ("failed", 8)
    assert waits[:3] == [30, 60, 120] and max(waits) == 3600

    mail_env()
    clock.advance(days=1)
    assert send() == 0
    assert reload(session, email_id).attempts == 8


def test_enqueue_is_part_of_the_callers_transaction(session):
    enqueue_email(session, recipients=["a@example.test"], subject="x", body="y",
                  attachments=[Attachment("a.txt", "text/plain", b"a")])
    session.rollback()
    assert session.exec(select(OutboxEmail)).all() == []
    assert session.exec(select(OutboxAttachment)).all() == []


def test_message_ids_are_unique_and_fixed_at_enqueue(session):
    first = enqueue_email(session, recipients=["a@example.test"], subject="x", body="y")
    second = enqueue_email(session, recipients=["a@example.test"], subject="x", body="y")
    session.commit()
    ids = [reload(session, i).message_id for i in (first, second)]
    assert ids[0] != ids[1]
    assert all(re.fullmatch(r"<[0-9a-f]{32}@cabinet\.local>", i) for i in ids)


def test_enqueue_needs_a_recipient(session):
    with pytest.raises(ValueError):
        enqueue_email(session, recipients=[" "], subject="x", body="y")


def test_a_claimed_row_is_not_taken_by_another_sender_until_its_lease_runs_out(session, mail_env):
    email_id = queue_invoice(session)
    claimed = mailer._claim_due("worker-a", 10, letters.tell)  # worker A claims, then (say) dies before sending
    assert [c.letter.id for c in claimed] == [email_id]
    sink = mail_env()

    assert send("worker-b") == 0
    assert sink.messages() == []
    clock.advance(minutes=11)  # A's lease has run out
    assert send("worker-b") == 1
    assert len(sink.messages()) == 1


def test_sink_stores_each_message_under_its_own_name(session, mail_env):
    sink = mail_env()
    for n in range(3):
        enqueue_email(session, recipients=["a@example.test"], subject=f"Письмо {n}", body="текст")
    session.commit()
    assert send() == 3
    names = [p.name for p in sink.messages()]
    assert len(set(names)) == 3 and all(n.endswith(".eml") for n in names)


def test_embedded_sms_gateway_appends_a_line(monkeypatch, tmp_path):
    monkeypatch.setenv("CABINET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.delenv("SMS_GATEWAY", raising=False)
    settings.reset()
    try:
        gateway = sms_gateway(settings.get().sms_gateway)
        assert isinstance(gateway, EmbeddedSmsGateway) and isinstance(gateway, SmsGateway)
        gateway.send("375291234567", "Код для входа: 123456")
        gateway.send("375291234568", "Код\nдля входа: 654321")
        lines = (tmp_path / "data" / "sms.log").read_text(encoding="utf-8").splitlines()
        assert lines == [
            "2026-11-16T10:00:00 375291234567 Код для входа: 123456",
            "2026-11-16T10:00:00 375291234568 Код для входа: 654321",
        ]
        monkeypatch.setenv("SMS_GATEWAY", "carrier-x")
        settings.reset()
        with pytest.raises(RuntimeError):
            sms_gateway(settings.get().sms_gateway)
    finally:
        settings.reset()


def test_a_claim_takes_at_most_the_batch_asked_for(session, mail_env):
    for n in range(7):
        enqueue_email(session, recipients=["a@example.test"], subject=f"Письмо {n}", body="текст")
    session.commit()
    assert len(mailer._claim_due("worker-a", 3, letters.tell)) == 3
    assert len(mailer._claim_due("worker-b", 3, letters.tell)) == 3
    assert len(mailer._claim_due("worker-c", 3, letters.tell)) == 1


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_senders_on_postgres_claim_disjoint_rows(session, mail_env):
    ids = [enqueue_email(session, recipients=["a@example.test"], subject=f"Письмо {n}", body="т") for n in range(30)]
    session.commit()
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(3)

    def run(name):
        start.wait()
        got = []
        while batch := mailer._claim_due(name, 2, letters.tell):
            got += [c.letter.id for c in batch]
        claimed[name] = got

    threads = [threading.Thread(target=run, args=(f"w{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    every = [i for got in claimed.values() for i in got]
    assert sorted(every) == sorted(ids)  # each row claimed by exactly one sender
