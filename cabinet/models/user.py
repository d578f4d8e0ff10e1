"""People who sign in, their sessions, one-time codes, sign-in throttling and abuse counters."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cabinet.models.base import json_field, now_field


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    login_kind: str = Field(max_length=10)  # phone | account
    login: str = Field(index=True, unique=True, max_length=20)
    full_name: str = ""
    password_hash: str | None = None
    roles: list[str] = json_field(list)  # Role values
    must_change_password: bool = False
    temp_password_hash: str | None = None
    temp_password_expires_at: NaiveDatetime | None = None
    password_changed_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = now_field()


class UserAccount(SQLModel, table=True):
    """The personal accounts a user may act on (the Administrator's one, the Supervisor's several)."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    account_id: int = Field(foreign_key="personalaccount.id", primary_key=True)


class UserSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str | None = Field(default=None, max_length=20)  # None until the role is chosen
    account_id: int | None = Field(default=None, foreign_key="personalaccount.id")
    created_at: NaiveDatetime = now_field()
    last_seen_at: NaiveDatetime = now_field()
    expires_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None
    end_reason: str | None = Field(default=None, max_length=20)


class OneTimeCode(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(default="sign_in", max_length=20)
    code_hash: str = Field(max_length=64)
    created_at: NaiveDatetime = now_field()
    expires_at: NaiveDatetime
    attempts: int = 0
    used_at: NaiveDatetime | None = None


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per login as typed, so a lockout looks the same for unknown logins. The count runs
    on through the locks (each further failure locks longer) until a sign-in succeeds or a day passes quietly."""

    login: str = Field(primary_key=True, max_length=20)
    failed_count: int = 0
    last_failed_at: NaiveDatetime | None = None
    locked_until: NaiveDatetime | None = None
    last_message_at: NaiveDatetime | None = None  # last SMS code or temporary password sent for this login


class AbuseCounter(SQLModel, table=True):
    """What one abuse limit has counted for one subject (a client address or a login as typed) in its window."""

    scope: str = Field(primary_key=True, max_length=30)  # the limit's name, e.g. sign_in_failures_per_address
    subject: str = Field(primary_key=True, max_length=64)
    window_started_at: NaiveDatetime = Field(index=True)
    hits: int = 0
    blocked_until: NaiveDatetime | None = None
