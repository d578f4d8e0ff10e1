"""The audit log: one row for every change anyone makes."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cabinet.models.base import json_field, now_field


class AuditEvent(SQLModel, table=True):
    __table_args__ = (Index("ix_audit_org_at", "organization_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = now_field()
    user_id: int | None = Field(default=None, foreign_key="user.id")
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    account_id: int | None = Field(default=None, foreign_key="personalaccount.id")
    action: str = Field(max_length=60)
    object_kind: str = Field(default="", max_length=30)
    object_id: str = Field(default="", max_length=40)
    details: dict = json_field(dict)
