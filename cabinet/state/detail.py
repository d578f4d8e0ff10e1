"""«Детализация на Email» (C6): period → subscribers → confirmation; the worker builds and mails it."""

from __future__ import annotations

import reflex as rx

from cabinet.services.errors import DomainError
from cabinet.services.finance import orders
from cabinet.services.subscribers.choice import Choice
from cabinet.state.format import Option, one, options
from cabinet.state.page import PageState, event
from cabinet.state.picker import PickerState


class DetailState(PageState, rx.State):
    step: int = 1  # 1 period and source, 2 subscribers, 3 confirmation, 4 ordered
    periods: list[Option] = []
    period: str = ""
    layout: str = "sheet_per_subscriber"
    summary: str = ""
    period_error: str = ""  # beside the period, when step 1 is left with one that cannot be ordered
    _key: str = ""

    @event
    async def load(self):
        self._begin()
        self.periods = options((f"{p.year}-{p.month:02d}", p.title) for p in orders.detail_periods())
        self.period, self.step, self.summary, self._key = self.periods[0].value, 1, "", self._new_key()
        await (await self.get_state(PickerState))._reset_choice()
        self.loaded = True

    @rx.event
    def set_period(self, value: str):
        self.period = one(value)
        if self.period_error:
            self._check_period()

    @rx.event
    def set_layout(self, value: str | list[str]):
        self.layout = one(value)

    def _check_period(self) -> bool:
        try:
            year, month = (int(part) for part in self.period.split("-"))
            orders.check_detail_period(year, month)
        except ValueError:
            self.period_error = "Выберите год и месяц детализации."
        except DomainError as refusal:
            self.period_error = refusal.message
        else:
            self.period_error = ""
        return not self.period_error

    @rx.event
    def go_to(self, step: int):
        """A step of the wizard; the period is checked when its step is left forward."""
        step = int(step)
        if self.step == 1 and step > 1 and not self._check_period():
            return
        self.error, self.step = "", step

    @rx.event
    async def review(self):
        """«Продолжить»: at least one subscriber chosen, then the confirmation."""
        picker = await self.get_state(PickerState)
        if picker.chosen_count == 0:
            self.error = ("Загрузите файл с номерами абонентов." if picker.source == "file"
                          else "Отметьте абонентов, по которым заказываете детализацию.")
            return
        title = next((p.label for p in self.periods if p.value == self.period), self.period)
        self.summary = f"Детализация за {title.lower()} по абонентам: {picker.chosen_count}."
        self.error, self.step = "", 3

    @event
    async def confirm(self):
        picker = await self.get_state(PickerState)
        year, month = (int(part) for part in self.period.split("-"))
        result = await self._run(orders.order_call_detail, year=year, month=month, layout=self.layout,
                                 idempotency_key=self._key, choice=Choice(**picker._choice()))
        self.done, self.step = result.message, 4
