"""«Операции с абонентом» → «Переименование» (B3): choose the subscribers, edit their names in place one page at
a time, each field applied only once its own ✓ was pressed; edits left unconfirmed are dropped, and the review
says which. A name refused at its ✓ stands under its field, checked again as it is typed until it is right."""

from __future__ import annotations

from dataclasses import dataclass, replace

import reflex as rx

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk import orders as bulk
from cabinet.state.page import Paged, event
from cabinet.state.picker import PickerState
from cabinet.state.wizard import ListWizard

PAGE_SIZE = 20
NOTHING_CONFIRMED = "Измените имя хотя бы одного абонента и подтвердите поле значком ✓."


@dataclass
class NameRow:
    id: str
    number: str
    name: str
    new: str  # the confirmed new name, "" while there is none
    error: str = ""  # why the name typed was refused at its ✓, under the field until it is right


class BulkRenameState(Paged, ListWizard, rx.State):
    """Steps: 1 choose, 2 names, 3 confirm, 4 the request."""

    rows: list[NameRow] = []  # one page of the chosen
    renamed: int = 0  # names confirmed with ✓
    dropped: list[str] = []  # numbers whose edit was not confirmed, shown on review
    _names: dict[str, str] = {}  # confirmed: subscriber id -> new name
    _drafts: dict[str, tuple[str, str]] = {}  # typed, not confirmed: subscriber id -> (number, text)
    _chosen: dict = {}  # the picker's choice, fixed when the names step opens

    async def _restart(self, status: str = ""):
        self.rows, self.page, self.total, self.pages, self.renamed, self.dropped = [], 1, 0, 1, 0, []
        self._names, self._drafts, self._chosen = {}, {}, {}
        return await super()._restart(status)

    async def _fetch(self):
        found = await self._run(bulk_catalogue.chosen_page, choice=bulk.Choice(**self._chosen), page=self.page,
                                page_size=PAGE_SIZE)
        self.rows = [NameRow(id=str(c.id), number=c.number, name=c.name, new=self._names.get(str(c.id), ""))
                     for c in self._paged(found)]

    @event
    async def to_names(self):
        if not await self._picked():
            return None
        self._chosen = (await self.get_state(PickerState))._choice()
        self.page, self._names, self._drafts, self.renamed = 1, {}, {}, 0
        await self._fetch()
        self.step = 2

    def _row(self, subscriber_id: str) -> NameRow | None:
        return next((r for r in self.rows if r.id == subscriber_id), None)

    @rx.event
    def draft(self, subscriber_id: str, text: str):
        """A field left: remember an edit not confirmed with ✓ (undone edits are forgotten)."""
        row = self._row(subscriber_id)
        if row is None:
            return
        if " ".join(text.split()) == self._names.get(subscriber_id, row.name):
            self._drafts.pop(subscriber_id, None)
        else:
            self._drafts[subscriber_id] = (row.number, text)

    def _changed(self, subscriber_id: str, **changes) -> None:
        self.rows = [replace(r, **changes) if r.id == subscriber_id else r for r in self.rows]

    async def _check(self, row: NameRow, name: str) -> str | None:
        """The name as it will be stored, or None with the refusal put under the row's field."""
        checked, error = await self._checked(bulk_catalogue.check_new_name, subscriber_id=int(row.id), name=name)
        self._changed(row.id, error=error)
        return checked

    @event
    async def confirm_name(self, form: dict):
        """✓: the field's name is checked and kept for the order."""
        subscriber_id = str(form.get("id", ""))
        row = self._row(subscriber_id)
        if row is None:
            return
        self.error = ""
        name = await self._check(row, str(form.get("name", "")))
        if name is None:
            return
        self._names[subscriber_id] = name
        self._drafts.pop(subscriber_id, None)
        self._changed(subscriber_id, new=name)
        self.renamed = len(self._names)

    @event
    async def retype_name(self, subscriber_id: str, text: str):
        """While a refusal stands under a field, each change checks the name again: it goes once the name is right."""
        row = self._row(str(subscriber_id))
        if row is not None and row.error:
            await self._check(row, str(text)[:200])

    @rx.event
    def review(self):
        if not self._names:
            self.error = NOTHING_CONFIRMED
            return
        self.dropped = [number for number, _ in self._drafts.values()]
        self.error, self.step = "", 3

    @rx.event
    def to_edit(self):
        self.error, self.step = "", 2

    @event
    async def confirm(self):
        return await self._order(bulk.order_bulk_rename, names={int(i): n for i, n in self._names.items()},
                                 choice=bulk.Choice(**self._chosen))
