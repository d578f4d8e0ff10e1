"""Sending the outbox: claim due rows, send each over SMTP, record the outcome (`outcome` judges it), tell it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib
from sqlalchemy import update
from sqlmodel import Session, select

from cabinet import clock, db, settings
from cabinet.delivery import leases, outcome
from cabinet.delivery.outcome import Letter, Outcome
from cabinet.models import OutboxAttachment, OutboxEmail

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)  # longer than one SMTP conversation can last (see SMTP_TIMEOUT)
SMTP_TIMEOUT = 60

# Told each outcome in the transaction that records it on the outbox row (the worker hands the requests' one).
Tell = Callable[[Session, Outcome], None]


@dataclass(frozen=True)
class _Outgoing:
    """What is needed to send one row, read out of the database before any network I/O."""

    letter: Letter
    message: EmailMessage


def build_message(row: OutboxEmail, attachments: list[OutboxAttachment]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.get().mail_from
    message["To"] = ", ".join(row.recipients)
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(clock.now().replace(tzinfo=clock.MINSK))
    message.set_content(row.body, charset="utf-8")
    for attachment in attachments:
        content_type = attachment.content_type or mimetypes.guess_type(attachment.filename)[0]
        maintype, _, subtype = (content_type or "application/octet-stream").partition(";")[0].strip().partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


async def send_message(message: EmailMessage, recipients: list[str] | None = None) -> dict[str, str]:
    """Hand one message to the configured SMTP server (the embedded sink when SMTP_HOST is «embedded»); returns
    the recipients the server refused while taking it for the others, with its reply to each."""
    conf = settings.get()
    options: dict = {"port": conf.smtp_port, "timeout": SMTP_TIMEOUT}
    if conf.embedded_smtp:
        options.update(hostname="127.0.0.1", start_tls=False)
    else:
        options["hostname"] = conf.smtp_host
        if conf.smtp_tls and conf.smtp_port == 465:
            options["use_tls"] = True
        else:
            options["start_tls"] = conf.smtp_tls
        if conf.smtp_user:
            options.update(username=conf.smtp_user, password=conf.smtp_password or "")
    refused, _response = await aiosmtplib.send(message, recipients=recipients, **options)
    return {address: outcome.reply(answer.code, answer.message) for address, answer in refused.items()}


def _claim_due(worker_id: str, limit: int, tell: Tell) -> list[_Outgoing]:
    """Lease due rows in a committed transaction, then read what sending them needs."""
    now = clock.now()
    with db.session_scope(writes=True) as session:
        ids = leases.claim(
            session,
            OutboxEmail,
            where=[OutboxEmail.status == outcome.PENDING, OutboxEmail.next_attempt_at <= now],
            order_by=[OutboxEmail.next_attempt_at, OutboxEmail.id],
            limit=limit,
            worker_id=worker_id,
            lease_for=LEASE,
        )
    if not ids:
        return []
    outgoing = []
    with db.session_scope() as session:  # reads only: the messages are built beside the writers
        rows = session.exec(select(OutboxEmail).where(OutboxEmail.id.in_(ids)).order_by(OutboxEmail.id)).all()
        files: dict[int, list[OutboxAttachment]] = {}
        for attachment in session.exec(
            select(OutboxAttachment).where(OutboxAttachment.email_id.in_(ids)).order_by(OutboxAttachment.id)
        ):
            files.setdefault(attachment.email_id, []).append(attachment)
        broken: list[Outcome] = []
        for row in rows:
            letter = Letter(id=row.id, recipients=list(row.recipients), attempts=row.attempts,
                            request_id=row.request_id, request_item_id=row.request_item_id, sent_text=row.sent_text)
            try:
                message = build_message(row, files.get(row.id, []))
            except Exception as exc:  # noqa: BLE001 - a row that cannot become a message must not block the queue
                broken.append(outcome.failed(letter, exc))
                continue
            outgoing.append(_Outgoing(letter, message))
    for failure in broken:
        _record(worker_id, failure, tell)
    return outgoing


def _record(worker_id: str, result: Outcome, tell: Tell) -> None:
    """The outcome on the outbox row, and told to what the letter was sent for, in one short transaction. A failure
    is recorded only while the row is still this worker's; a letter the server took is recorded in any case."""
    values: dict = dict(status=result.status, attempts=result.attempts, last_error=result.error[:2000],
                        refused=dict(result.refused), claimed_by=None, lease_until=None)
    ours = [OutboxEmail.id == result.letter.id, OutboxEmail.status == outcome.PENDING]
    if result.status == outcome.SENT:
        values["sent_at"] = clock.now()
    else:
        ours.append(OutboxEmail.claimed_by == worker_id)
        values["next_attempt_at"] = result.next_attempt_at
    with db.session_scope(writes=True) as session:
        if session.execute(update(OutboxEmail.__table__).where(*ours).values(**values)).rowcount == 1:
            tell(session, result)
    if result.status == outcome.SENT:
        log.info("Письмо %s отправлено: %s", result.letter.id, result.text)
    elif result.status == outcome.FAILED:
        log.error("Письмо %s не отправлено после %s попыток: %s", result.letter.id, result.attempts, result.error)
    else:
        log.warning("Письмо %s не отправлено (попытка %s): %s", result.letter.id, result.attempts, result.error)


async def send_due_emails(worker_id: str, *, tell: Tell, limit: int = 20) -> int:
    """Send the outbox rows that are due; returns how many the server took. Each outcome is recorded, and told
    (`tell`), in a transaction of its own after the SMTP conversation; database work runs in a thread."""
    outgoing = await asyncio.to_thread(_claim_due, worker_id, limit, tell)
    sent = 0
    for item in outgoing:
        try:
            refused = await send_message(item.message, item.letter.recipients)
        except Exception as exc:  # noqa: BLE001 - every SMTP or network failure is judged, then retried or not
            result = outcome.failed(item.letter, exc)
        else:
            result = outcome.accepted(item.letter, refused)
            sent += 1
        await asyncio.to_thread(_record, worker_id, result, tell)
    return sent
