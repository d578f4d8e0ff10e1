"""The subscriber picker shared by every list operation: tick from the account's list (searched and paged in
SQL, or "all that match") or upload an xlsx of 12-digit numbers, kept on the server as a list the order names by
its id. Only one page of rows, the ticked ids and the upload's id and count are ever held."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.errors import DomainError
from cabinet.services.subscribers import listing, uploads
from cabinet.services.subscribers.choice import Choice
from cabinet.state.format import one
from cabinet.state.page import Paged, PageState, event

PAGE_SIZE = 20
MAX_TICKED = 1000  # ticked by hand; a longer list is a file or «all that match»
MAX_UPLOAD_BYTES = uploads.MAX_FILE_BYTES  # the dropzone's bound: components take it from here


@dataclass
class PickRow:
    id: str
    number: str
    name: str
    tariff: str
    status: str
    sim: str


@dataclass
class FileError:
    row: str
    value: str
    reason: str


class PickerState(Paged, PageState, rx.State):
    source: str = "list"  # list | file
    search: str = ""
    rows: list[PickRow] = []
    selected: list[str] = []  # ids ticked by hand
    all_matching: bool = False  # "select all that match the search"
    status_filter: str = ""  # only subscribers in this status (the activation and termination tabs)
    file_name: str = ""
    file_count: int = 0
    file_errors: list[FileError] = []
    _upload_id: int = 0  # the uploaded list kept on the server, 0 before a file is accepted
    preview_count: int = 0  # the confirmation's view of the choice: how many, the first numbers, how many more
    preview_first: list[str] = []
    preview_more: int = 0
    preview_not_applicable: int = 0

    @rx.var
    def chosen_count(self) -> int:
        if self.source == "file":
            return self.file_count
        return self.total if self.all_matching else len(self.selected)

    async def _reset_choice(self, status: str = ""):
        self.source, self.search, self.page, self.selected, self.all_matching = "list", "", 1, [], False
        self.status_filter = status
        self.file_name, self.file_count, self.file_errors, self._upload_id = "", 0, [], 0
        self.error = ""
        return await self._fetch()

    async def _fetch(self):
        found = await self._run(listing.list_subscribers, search=self.search, status=self.status_filter or None,
                                page=self.page, page_size=PAGE_SIZE)
        self.rows = [PickRow(id=str(r.id), number=r.number, name=r.name, tariff=r.tariff_name, status=r.status_title,
                             sim=r.sim_iccid or "") for r in self._paged(found)]

    @rx.event
    def set_source(self, source: str | list[str]):
        self.source = one(source)
        self.error = ""

    @event
    async def find(self, form: dict):
        self.search, self.page, self.all_matching = form.get("search", "").strip(), 1, False
        return await self._fetch()

    @rx.event
    def tick(self, subscriber_id: str, ticked: bool):
        if ticked is not True:
            self.selected = [i for i in self.selected if i != subscriber_id]
            return
        # The browser may send any string: only a row of the page shown is ticked, and at most MAX_TICKED are kept.
        if subscriber_id in self.selected or subscriber_id not in {row.id for row in self.rows}:
            return
        if len(self.selected) >= MAX_TICKED:
            self.error = (f"Вручную можно отметить не больше {MAX_TICKED} абонентов. Для большого списка загрузите "
                          "файл xlsx или выберите всех найденных.")
            return
        self.selected = [*self.selected, subscriber_id]

    @rx.event
    def set_all_matching(self, value: bool):
        self.all_matching = value

    @rx.event
    def rejected(self, codes: list[str]):
        """The browser refused the file before sending it (react-dropzone's codes): say why, as the server would."""
        codes = [code for code in codes[:10] if isinstance(code, str)] if isinstance(codes, list) else []
        self.file_errors, self.file_count, self._upload_id = [], 0, 0
        if "file-too-large" in codes:
            self.error = uploads.too_large()
        elif "too-many-files" in codes:
            self.error = "Загрузите один файл."
        else:
            self.error = "Загрузите файл Excel в формате xlsx."

    @event
    async def upload(self, files: list[rx.UploadFile]):
        if not files:  # the browser refused the file (see `rejected`): nothing was sent
            return
        self.error, self.file_errors, self.file_count, self._upload_id = "", [], 0, 0
        file = files[0]
        self.file_name = file.filename or "файл"
        content = await file.read(MAX_UPLOAD_BYTES + 1)  # one byte more: the service refuses a larger file
        try:
            stored = await self._call(uploads.store_upload, content=content)
        except uploads.UploadRejected as rejected:
            self.error = rejected.message
            self.file_errors = [FileError(row=str(e.row), value=e.value, reason=e.reason) for e in rejected.errors]
            return
        except DomainError as refusal:
            return await self._refused(refusal)
        self._upload_id, self.file_count = stored.id, stored.count

    async def _preview(self) -> int:
        """Resolve the choice as the order will, for the confirmation: its count and first numbers; the count."""
        found = await self._run(bulk_catalogue.choice_preview, choice=Choice(**self._choice()),
                                status=self.status_filter or None)
        self.preview_count, self.preview_first, self.preview_more = found.count, list(found.first), found.more
        self.preview_not_applicable = found.not_applicable
        return found.count

    def _choice(self) -> dict:
        """What the wizard's last step passes to the ordering service (as a `Choice`)."""
        if self.source == "file":
            return {"upload_id": self._upload_id}
        if self.all_matching:
            return {"all_matching": self.search}
        return {"subscriber_ids": [int(i) for i in self.selected]}
