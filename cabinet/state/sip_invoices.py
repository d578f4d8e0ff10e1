"""The SIP administrator's «Счета»: «Заказать счет на E-mail» (P5), «Загрузить счет по ссылке» (P6),
«Изменить способ/адрес доставки» (P7). The delivery addresses are checked when their step is left: the refusal stands
beside the field and goes as soon as the addresses are put right."""

from __future__ import annotations

import reflex as rx

from cabinet.services.errors import DomainError
from cabinet.services.finance import billing as finance
from cabinet.services.sip import invoices as sip_invoices
from cabinet.state.format import Option, one, options, text_limit
from cabinet.state.page import PageState, event

SECTIONS = ("email", "link", "delivery", "detail", "preliminary")


class SipInvoicesState(PageState, rx.State):
    section: str = "email"
    months: list[Option] = []  # value «2026-10», label «октябрь 2026»
    month: str = ""
    link_url: str = ""
    link_title: str = ""
    link_until: str = ""
    method: str = "email"  # the delivery as it is
    method_title: str = ""
    emails: list[str] = []
    delivery_step: str = "view"  # view | method | emails | review
    draft_method: str = "email"
    draft_emails: str = ""  # as typed
    draft_addresses: list[str] = []  # as they will be saved, once their step is left
    emails_error: str = ""  # beside the addresses
    _format: str = "pdf"
    _key: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(sip_invoices.sip_invoices_page)
        self.months = options((f"{m.year}-{m.month:02d}", m.title if m.invoice_id else f"{m.title} (счет еще не выставлен)")
                              for m in found.months)
        self.month = self.months[0].value if self.months else ""
        self.link_url, self._key, self.delivery_step = "", self._new_key(), "view"
        delivery = found.delivery
        self.method, self.method_title, self.emails, self._format = (delivery.method, delivery.method_title,
                                                                    list(delivery.emails), delivery.invoice_format)
        self.loaded = True

    @rx.event
    def open_section(self, section: str | list[str]):
        section = one(section)
        self.section = section if section in SECTIONS else "email"
        self.error, self.done, self.delivery_step, self.emails_error = "", "", "view", ""

    @rx.event
    def set_month(self, month: str):
        self.month, self.link_url, self.error, self.done, self._key = one(month), "", "", "", self._new_key()

    def _year_month(self) -> tuple[int, int]:
        year, _, month = self.month.partition("-")
        return (int(year), int(month)) if year.isdigit() and month.isdigit() else (0, 0)

    @event
    async def send(self):
        self.error, self.done = "", ""
        year, month = self._year_month()
        result = await self._run(sip_invoices.order_sip_invoice, year=year, month=month, idempotency_key=self._key)
        self.done = result.message

    @event
    async def make_link(self):
        self.error, self.link_url = "", ""
        year, month = self._year_month()
        link = await self._run(sip_invoices.invoice_link, year=year, month=month)
        self.link_url, self.link_title = link.url, link.title
        self.link_until = f"{link.expires_at:%d.%m.%Y %H:%M}"

    @rx.event
    def change_delivery(self):
        self.draft_method, self.draft_emails = self.method, "\n".join(self.emails)
        self.error, self.done, self.delivery_step, self.emails_error = "", "", "method", ""

    @rx.event
    def set_draft_method(self, method: str | list[str]):
        self.draft_method = one(method)

    @rx.event
    def method_chosen(self):
        self.delivery_step = "emails" if self.draft_method == "email" else "review"

    def _check_emails(self) -> bool:
        try:
            self.draft_addresses, self.emails_error = finance.check_delivery_emails(self.draft_emails), ""
        except DomainError as refusal:
            self.emails_error = refusal.message
        return not self.emails_error

    @rx.event
    def emails_entered(self, form: dict):
        """«Далее»: on to the review only with addresses that may be saved."""
        self.draft_emails, self.error = str(form.get("emails", ""))[:text_limit("emails")], ""
        if self._check_emails():
            self.delivery_step = "review"

    @rx.event
    def retype_emails(self, value: str):
        if self.emails_error:
            self.draft_emails = str(value)[:text_limit("emails")]
            self._check_emails()

    @rx.event
    def delivery_back(self):
        self.error, self.emails_error = "", ""
        self.delivery_step = "emails" if self.delivery_step == "review" and self.draft_method == "email" else "method"

    @event
    async def save_delivery(self):
        self.error = ""
        emails = self.draft_emails if self.draft_method == "email" else self.emails
        saved = await self._run(finance.update_delivery, method=self.draft_method, emails=emails,
                                invoice_format=self._format)
        self.method, self.method_title, self.emails = saved.method, saved.method_title, list(saved.emails)
        self.delivery_step, self.done = "view", saved.notice or "Способ и адрес доставки счетов сохранены."
