"""«Операции с абонентом» → «Переименование» (B3): choose the subscribers, edit their names in place one page at
a time, each field applied only once its own ✓ was pressed; edits left unconfirmed are dropped, and the review
says which."""

from __future__ import annotations

import reflex as rx

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk import orders as bulk
from cabinet.services.errors import DomainError
from cabinet.state.page import SESSION_REFUSALS
from cabinet.state.picker import PickerState
from cabinet.state.wizard import ListWizard

PAGE_SIZE = 20
NOTHING_CONFIRMED = "Измените имя хотя бы одного абонента и подтвердите поле значком ✓."


class BulkRenameState(ListWizard, rx.State):
    """Steps: 1 choose, 2 names, 3 confirm, 4 the request."""

    rows: list[dict[str, str]] = []  # one page of the chosen: id, number, name, new (the confirmed name or "")
    page: int = 1
    total: int = 0
    renamed: int = 0  # names confirmed with ✓
    dropped: list[str] = []  # numbers whose edit was not confirmed, shown on review
    _names: dict[str, str] = {}  # confirmed: subscriber id -> new name
    _drafts: dict[str, tuple[str, str]] = {}  # typed, not confirmed: subscriber id -> (number, text)
    _chosen: dict = {}  # the picker's choice, fixed when the names step opens

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    async def _restart(self, status: str = ""):
        self.rows, self.page, self.total, self.renamed, self.dropped = [], 1, 0, 0, []
        self._names, self._drafts, self._chosen = {}, {}, {}
        return await super()._restart(status)

    async def _fetch(self):
        found, event = await self._run(bulk_catalogue.chosen_page, choice=bulk.Choice(**self._chosen),
                                       page=self.page, page_size=PAGE_SIZE)
        if event is not None or found is None:
            return event
        self.total = found.total
        self.rows = [{"id": str(c.id), "number": c.number, "name": c.name, "new": self._names.get(str(c.id), "")}
                     for c in found.rows]
        return None

    @rx.event
    async def to_names(self):
        if not await self._picked():
            return None
        self._chosen = (await self.get_state(PickerState))._choice()
        self.page, self._names, self._drafts, self.renamed = 1, {}, {}, 0
        event = await self._fetch()
        if not self.error:
            self.step = 2
        return event

    @rx.event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._fetch()

    @rx.event
    def draft(self, subscriber_id: str, text: str):
        """A field left: remember an edit not confirmed with ✓ (undone edits are forgotten)."""
        row = next((r for r in self.rows if r["id"] == subscriber_id), None)
        if row is None:
            return
        if " ".join(text.split()) == self._names.get(subscriber_id, row["name"]):
            self._drafts.pop(subscriber_id, None)
        else:
            self._drafts[subscriber_id] = (row["number"], text)

    @rx.event
    async def confirm_name(self, form: dict):
        """✓: the field's name is checked and kept for the order."""
        subscriber_id = str(form.get("id", ""))
        row = next((r for r in self.rows if r["id"] == subscriber_id), None)
        if row is None:
            return None
        try:
            name = await self._call(bulk_catalogue.check_new_name, subscriber_id=int(subscriber_id),
                                    name=str(form.get("name", "")))
        except SESSION_REFUSALS as refusal:
            return await (await self._session()).handle(refusal)
        except DomainError as refusal:
            self.error = f"{row['number']}: {refusal.message}"
            return None
        self._names[subscriber_id] = name
        self._drafts.pop(subscriber_id, None)
        self.rows = [{**r, "new": name} if r["id"] == subscriber_id else r for r in self.rows]
        self.renamed, self.error = len(self._names), ""
        return None

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

    @rx.event
    async def confirm(self):
        return await self._order(bulk.order_bulk_rename, names={int(i): n for i, n in self._names.items()},
                                 choice=bulk.Choice(**self._chosen))
