"""«Счета» (C2) and the delivery address and format of invoices (C3)."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import billing as finance
from cabinet.services.finance import orders
from cabinet.state.page import CompanyPage
from cabinet.text import money

FORMAT_TITLES = {"pdf": "PDF", "xlsx": "Excel", "txt": "txt"}


class InvoicesState(CompanyPage, rx.State):
    invoices: list[dict[str, str]] = []  # id, title, number, amount, paid
    invoice_id: str = ""
    method: str = "email"
    emails: list[str] = []
    invoice_format: str = "pdf"
    editing: bool = False
    draft_emails: str = ""
    draft_format: str = "pdf"
    edit_error: str = ""
    _order_key: str = ""

    @rx.var
    def format_title(self) -> str:
        return FORMAT_TITLES.get(self.invoice_format, self.invoice_format)

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        rows, event = await self._run(finance.list_invoices)
        if event is not None:
            return event
        settings, event = await self._run(finance.delivery_settings)
        if event is not None:
            return event
        self.invoices = [
            {"id": str(r.id), "title": r.title, "number": r.number, "amount": money(r.amount),
             "paid": "оплачен" if r.paid else "не оплачен"}
            for r in rows or []
        ]
        self.invoice_id = self.invoices[0]["id"] if self.invoices else ""
        self._show_settings(settings)
        self._order_key = self._new_key()
        self.loaded = True

    def _show_settings(self, settings) -> None:
        if settings is not None:
            self.method, self.emails, self.invoice_format = settings.method, list(settings.emails), settings.invoice_format

    @rx.event
    def choose(self, invoice_id: str):
        self.invoice_id, self.done, self.error = invoice_id, "", ""
        self._order_key = self._new_key()

    @rx.event
    async def send(self):
        self.error, self.done = "", ""
        result, event = await self._run(orders.order_invoice, invoice_id=int(self.invoice_id or 0),
                                        idempotency_key=self._order_key)
        if event is not None:
            return event
        if result is not None:
            self.done = result.message

    @rx.event
    def open_edit(self):
        self.draft_emails = "\n".join(self.emails)
        self.draft_format, self.edit_error, self.editing = self.invoice_format, "", True

    @rx.event
    def set_editing(self, value: bool):
        self.editing = value

    @rx.event
    def set_draft_format(self, value: str | list[str]):
        self.draft_format = value if isinstance(value, str) else value[0]

    @rx.event
    async def save_delivery(self, form: dict):
        self.error = ""
        settings, event = await self._run(finance.update_delivery, emails=form.get("emails", ""),
                                          invoice_format=self.draft_format)
        if event is not None:
            return event
        if settings is None:
            self.edit_error, self.error = self.error, ""
            return
        self._show_settings(settings)
        self.editing = False
        return rx.toast.success("Адрес доставки и формат счета сохранены.")
