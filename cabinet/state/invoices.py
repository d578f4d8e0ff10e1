"""«Счета» (C2) and the delivery address and format of invoices (C3). The addresses are checked when they are
saved: the refusal stands beside them and goes as soon as they are put right."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.errors import DomainError
from cabinet.services.finance import billing as finance
from cabinet.services.finance import orders
from cabinet.state.format import Option, one, text_limit
from cabinet.state.page import PageState, event
from cabinet.text import money


@dataclass
class InvoiceView:
    id: str
    title: str  # «Счет за октябрь 2026 · 123,45 BYN · не оплачен»


class InvoicesState(PageState, rx.State):
    invoices: list[InvoiceView] = []
    invoice_id: str = ""
    method: str = "email"
    emails: list[str] = []
    invoice_format: str = "pdf"
    format_title: str = ""
    formats: list[Option] = []  # the invoice formats to choose from
    editing: bool = False
    draft_emails: str = ""
    draft_format: str = "pdf"
    emails_error: str = ""  # beside the addresses
    edit_error: str = ""  # any other refusal of the change, in the dialog
    delivery_notice: str = ""  # after a change: the new addresses that were sent a link to confirm them
    sent_before: str = ""  # a second «Отправить счет»: when and where this invoice went, with the offer to resend
    _order_key: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(finance.invoices_page)
        self.invoices = [
            InvoiceView(id=str(r.id), title=f"{r.title} · {money(r.amount)} · {'оплачен' if r.paid else 'не оплачен'}")
            for r in found.invoices
        ]
        self.invoice_id = self.invoices[0].id if self.invoices else ""
        self._show_settings(found.delivery)
        self.delivery_notice = ""
        self._order_key = self._new_key()
        self.loaded = True

    def _show_settings(self, settings: finance.DeliverySettings) -> None:
        self.method, self.emails, self.invoice_format = settings.method, list(settings.emails), settings.invoice_format
        self.format_title = settings.format_title
        self.formats = [Option(value=code, label=title) for code, title in settings.format_options]

    @rx.event
    def choose(self, invoice_id: str):
        self.invoice_id, self.done, self.error, self.sent_before = invoice_id, "", "", ""
        self._order_key = self._new_key()

    @event
    async def send(self):
        """«Отправить счет»; for an invoice sent before, first when and where it went, and the offer to resend."""
        self.error, self.done, self.sent_before = "", "", ""
        previous = await self._run(orders.previous_invoice_sending, invoice_id=int(self.invoice_id or 0))
        if previous is not None:
            self.sent_before = previous.notice
            return
        await self._order()

    @event
    async def resend(self):
        """«Отправить повторно»: a new request, as any order."""
        self.error, self.done, self.sent_before = "", "", ""
        await self._order()

    async def _order(self):
        result = await self._run(orders.order_invoice, invoice_id=int(self.invoice_id or 0),
                                 idempotency_key=self._order_key)
        self.done, self._order_key = result.message, self._new_key()

    @rx.event
    def open_edit(self):
        self.draft_emails = "\n".join(self.emails)
        self.draft_format, self.edit_error, self.emails_error, self.editing = self.invoice_format, "", "", True

    @rx.event
    def set_editing(self, value: bool):
        self.editing = value

    @rx.event
    def set_draft_format(self, value: str | list[str]):
        self.draft_format = one(value)

    def _check_emails(self) -> bool:
        try:
            finance.check_delivery_emails(self.draft_emails)
        except DomainError as refusal:
            self.emails_error = refusal.message
            return False
        self.emails_error = ""
        return True

    @rx.event
    def retype_emails(self, value: str):
        if self.emails_error:
            self.draft_emails = str(value)[:text_limit("emails")]
            self._check_emails()

    @event
    async def save_delivery(self, form: dict):
        self.error = self.edit_error = ""
        self.draft_emails = str(form.get("emails", ""))[:text_limit("emails")]
        if not self._check_emails():
            return None
        try:
            settings = await self._run(finance.update_delivery, emails=self.draft_emails,
                                       invoice_format=self.draft_format)
        finally:  # a refusal is shown in the dialog, where the user is looking
            self.edit_error, self.error = self.error, ""
        self._show_settings(settings)
        self.editing, self.delivery_notice = False, settings.notice
        return rx.toast.success(settings.notice or "Адрес доставки и формат счета сохранены.")
