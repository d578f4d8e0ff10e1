"""«Акт сверки» (C7): a period within 3 years, «Далее», the address, the order with its expected date. Each step is
checked when it is left: its refusals stand beside their fields, and go as soon as the field is put right."""

from __future__ import annotations

import reflex as rx

from cabinet import clock
from cabinet.services import validation
from cabinet.services.errors import DomainError
from cabinet.services.finance import billing as finance
from cabinet.services.finance import orders
from cabinet.state.format import one, parse_date
from cabinet.state.page import PageState, event


class ReconciliationState(PageState, rx.State):
    step: int = 1  # 1 period, 2 address, 3 ordered
    date_from: str = ""
    date_to: str = ""
    delivery_emails: str = ""
    to_other: bool = False
    date_from_error: str = ""
    date_to_error: str = ""
    email_error: str = ""
    _key: str = ""

    @event
    async def load(self):
        self._begin()
        settings = await self._run(finance.delivery_settings)
        today = clock.today()
        self.date_from = today.replace(month=1, day=1).isoformat()
        self.date_to = today.isoformat()
        self.delivery_emails = ", ".join(settings.emails)
        self.step, self.to_other, self._key, self.loaded = 1, not self.delivery_emails, self._new_key(), True
        self.date_from_error = self.date_to_error = self.email_error = ""

    def _check_period(self) -> bool:
        errors = orders.reconciliation_period_errors(parse_date(self.date_from), parse_date(self.date_to))
        self.date_from_error, self.date_to_error = errors.get("date_from", ""), errors.get("date_to", "")
        return not errors

    @rx.event
    def next_step(self, form: dict):
        """«Далее»: on to the address only with a period that may be ordered."""
        self.error = ""
        self.date_from, self.date_to = str(form.get("date_from", ""))[:10], str(form.get("date_to", ""))[:10]
        if self._check_period():
            self.step = 2

    @rx.event
    def set_date_from(self, value: str):
        self.date_from = str(value)[:10]
        if self.date_from_error or self.date_to_error:
            self._check_period()

    @rx.event
    def set_date_to(self, value: str):
        self.date_to = str(value)[:10]
        if self.date_from_error or self.date_to_error:
            self._check_period()

    @rx.event
    def set_email(self, value: str):
        if self.email_error:
            self._check_email(str(value)[:254])

    def _check_email(self, value: str) -> bool:
        try:
            validation.email(value)
        except DomainError as refusal:
            self.email_error = ("Укажите адрес электронной почты." if not value.strip() else refusal.message)
            return False
        self.email_error = ""
        return True

    @rx.event
    def back(self):
        self.error, self.email_error, self.step = "", "", 1

    @rx.event
    def set_to_other(self, value: str | list[str]):
        self.to_other = one(value) == "other"

    @event
    async def order(self, form: dict):
        self.error = ""
        if self.to_other and not self._check_email(str(form.get("email", ""))[:254]):
            return
        result = await self._run(
            orders.order_reconciliation, date_from=parse_date(self.date_from), date_to=parse_date(self.date_to),
            email=form.get("email") if self.to_other else None, idempotency_key=self._key,
        )
        self.done, self.step = result.message, 3
