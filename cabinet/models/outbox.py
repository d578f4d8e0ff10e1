"""E-mails to send, written in the same transaction as what caused them."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from cabinet.models.base import json_field, now_field


class OutboxEmail(SQLModel, table=True):
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True, max_length=120)
    recipients: list[str] = json_field(list)
    subject: str
    body: str
    request_id: int | None = Field(default=None, foreign_key="request.id", index=True)
    # The item the letter is the result of; none for a letter of the whole request (call detail).
    request_item_id: int | None = Field(default=None, foreign_key="requestitem.id", index=True)
    sent_text: str = ""  # what the item (or request) says once the server accepts it, before «на <addresses>»
    status: str = Field(default="pending", max_length=10)  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: NaiveDatetime = now_field()
    claimed_by: str | None = Field(default=None, max_length=60)
    lease_until: NaiveDatetime | None = None
    last_error: str = ""
    refused: dict[str, str] = json_field(dict)  # recipient -> the server's reply, for those it would not take
    created_at: NaiveDatetime = now_field()
    sent_at: NaiveDatetime | None = None


class OutboxAttachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(foreign_key="outboxemail.id", index=True)
    filename: str
    content_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
