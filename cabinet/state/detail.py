"""«Детализация на Email» (C6): period → subscribers → confirmation; the worker builds and mails it."""

from __future__ import annotations

import reflex as rx

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

    @rx.event
    def set_layout(self, value: str | list[str]):
        self.layout = one(value)

    @rx.event
    def go_to(self, step: int):
        self.error, self.step = "", int(step)

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
