"""Putting an e-mail into the outbox, in the transaction of whatever caused it.

The row is committed together with the caller's change (a request, a password reset...), so an e-mail is
sent if and only if its cause happened. The worker's mailer (`cabinet.delivery.mailer`) sends it later.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from cabinet import clock
from cabinet.models import OutboxAttachment, OutboxEmail

MESSAGE_ID_DOMAIN = "cabinet.local"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "application/pdf"
    content: bytes


def new_message_id() -> str:
    """A globally unique RFC 5322 Message-ID, fixed when the e-mail is queued, so a resend is recognisable."""
    return f"<{uuid.uuid4().hex}@{MESSAGE_ID_DOMAIN}>"


def enqueue_email(
    session: Session,
    *,
    recipients: list[str],
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    request_id: int | None = None,
    request_item_id: int | None = None,
    sent_text: str = "",
) -> int:
    """Queue an e-mail in the caller's session (flushed, not committed); returns the outbox row id.

    A letter a request sends names it (and the item it is the result of, if any); `sent_text` is what that item
    (or request) says once the server has taken the letter, followed by «на <addresses>», e.g. «Счет отправлен»."""
    clean = [r.strip() for r in recipients if r and r.strip()]
    if not clean:
        raise ValueError("an e-mail needs at least one recipient")
    if any("\n" in r or "\r" in r for r in clean) or "\n" in subject or "\r" in subject:
        raise ValueError("line breaks are not allowed in recipients or subject")
    row = OutboxEmail(
        message_id=new_message_id(),
        recipients=clean,
        subject=subject,
        body=body,
        request_id=request_id,
        request_item_id=request_item_id,
        sent_text=sent_text,
        next_attempt_at=clock.now(),
    )
    session.add(row)
    session.flush()
    for attachment in attachments:
        session.add(
            OutboxAttachment(
                email_id=row.id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                content=bytes(attachment.content),
            )
        )
    session.flush()
    assert row.id is not None
    return row.id
