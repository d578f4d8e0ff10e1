"""An uploaded list of subscribers (an xlsx of numbers), kept on the server between the upload and the order, so
the page holds only its id and count. Removed a day after it was uploaded, or when its user uploads another."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cabinet.models.base import now_field


class UploadedList(SQLModel, table=True):
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never given again: a page may still hold an old one

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    account_id: int = Field(foreign_key="personalaccount.id")
    count: int = 0
    created_at: NaiveDatetime = now_field()


class UploadedListItem(SQLModel, table=True):
    """The n-th number of the file (position n, from 1), matched to the account's subscriber when uploaded."""

    list_id: int = Field(foreign_key="uploadedlist.id", primary_key=True)
    position: int = Field(primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id")
