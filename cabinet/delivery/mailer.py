"""Sending the outbox: claim due rows, send each over SMTP, record the outcome, back off on failure."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import mimetypes
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib
from sqlalchemy import update
from sqlmodel import select

from cabinet import clock, db, settings
from cabinet.delivery import leases
from cabinet.models import OutboxAttachment, OutboxEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
LEASE = dt.timedelta(minutes=10)  # longer than one SMTP conversation can last (see SMTP_TIMEOUT)
SMTP_TIMEOUT = 60


@dataclass(frozen=True)
class _Outgoing:
    """What is needed to send one row, read out of the database before any network I/O."""

    id: int
    message: EmailMessage
    recipients: list[str]
    attempts: int


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, ... at most an hour."""
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


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


async def send_message(message: EmailMessage, recipients: list[str] | None = None) -> None:
    """Hand one message to the configured SMTP server (the embedded sink when SMTP_HOST is «embedded»)."""
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
    if refused:
        log.warning("Сервер отклонил часть получателей письма %s: %s", message["Message-ID"], refused)


def _claim_due(worker_id: str, limit: int) -> list[_Outgoing]:
    """Lease due rows in a committed transaction, then read what sending them needs."""
    now = clock.now()
    with db.session_scope(writes=True) as session:
        ids = leases.claim(
            session,
            OutboxEmail,
            where=[OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now],
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
        broken: list[tuple[int, int, Exception]] = []
        for row in rows:
            try:
                message = build_message(row, files.get(row.id, []))
            except Exception as exc:  # noqa: BLE001 - a row that cannot become a message must not block the queue
                broken.append((row.id, row.attempts, exc))
                continue
            outgoing.append(_Outgoing(row.id, message, list(row.recipients), row.attempts))
    for email_id, attempts, error in broken:
        _mark_failed(email_id, worker_id, attempts + 1, _describe(error))
    return outgoing


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _mark_sent(email_id: int) -> None:
    with db.session_scope(writes=True) as session:
        session.execute(
            update(OutboxEmail.__table__)
            .where(OutboxEmail.id == email_id, OutboxEmail.status == "pending")
            .values(
                status="sent",
                sent_at=clock.now(),
                attempts=OutboxEmail.attempts + 1,
                last_error="",
                claimed_by=None,
                lease_until=None,
            )
        )


def _mark_failed(email_id: int, worker_id: str, attempts: int, error: str) -> None:
    failed = attempts >= MAX_ATTEMPTS
    with db.session_scope(writes=True) as session:
        session.execute(
            update(OutboxEmail.__table__)
            .where(OutboxEmail.id == email_id, OutboxEmail.status == "pending", OutboxEmail.claimed_by == worker_id)
            .values(
                status="failed" if failed else "pending",
                attempts=attempts,
                last_error=error[:2000],
                next_attempt_at=clock.now() + backoff(attempts),
                claimed_by=None,
                lease_until=None,
            )
        )
    if failed:
        log.error("Письмо %s не отправлено после %s попыток: %s", email_id, attempts, error)
    else:
        log.warning("Письмо %s не отправлено (попытка %s): %s", email_id, attempts, error)


async def send_due_emails(worker_id: str, limit: int = 20) -> int:
    """Send the outbox rows that are due; returns how many were sent. Database work runs in a thread."""
    outgoing = await asyncio.to_thread(_claim_due, worker_id, limit)
    sent = 0
    for item in outgoing:
        try:
            await send_message(item.message, item.recipients)
        except Exception as exc:  # noqa: BLE001 - every SMTP or network failure is retried
            await asyncio.to_thread(_mark_failed, item.id, worker_id, item.attempts + 1, _describe(exc))
            continue
        await asyncio.to_thread(_mark_sent, item.id)
        sent += 1
        log.info("Письмо %s отправлено: %s", item.message["Message-ID"], ", ".join(item.recipients))
    return sent
