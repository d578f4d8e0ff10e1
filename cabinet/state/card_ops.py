"""The card's operations that take more than one step: «Тарифный план» (S3), «Смена номера» (S7),
«Замена SIM» (S8). Each keeps its own draft; the order goes through the card, which follows it."""

from __future__ import annotations

import dataclasses

import reflex as rx

from cabinet.services.errors import DomainError
from cabinet.services.subscribers import operations as subscriber_ops
from cabinet.state.card import CardState
from cabinet.state.format import Option, one, shown
from cabinet.state.page import SESSION_REFUSALS, Stopped, event
from cabinet.text import money


@dataclasses.dataclass
class ServiceView:
    id: str
    name: str
    fee: str
    included: bool


@dataclasses.dataclass
class TariffView:
    id: str
    name: str
    description: str
    fee: str
    switch_fee: str
    services: list[ServiceView]
    kept: list[str]  # the subscriber's own services it keeps there: ticked when the tariff is chosen


def tariff_views(options: list[subscriber_ops.TariffOption]) -> list[TariffView]:
    return [
        TariffView(id=str(t.id), name=t.name, description=t.description, fee=money(t.monthly_fee),
                   switch_fee=money(t.switch_fee),
                   services=[ServiceView(id=str(s.id), name=s.name, fee=money(s.monthly_fee), included=s.included)
                             for s in t.services],
                   kept=[str(i) for i in t.kept])
        for t in options
    ]


class TariffPick(rx.State, mixin=True):
    """A tariff chosen from the offered ones, with the allowed services ticked for it (S3 and B2)."""

    tariffs: list[TariffView] = []
    chosen: str = ""
    services: list[str] = []  # ids ticked for the new tariff

    def _offer(self, options: list[subscriber_ops.TariffOption]) -> None:
        self.tariffs, self.chosen, self.services = tariff_views(options), "", []

    @rx.event
    def choose(self, tariff_id: str):
        """Open a tariff's «Подробнее»: the services the subscriber has and keeps there come ticked (the tariff
        already chosen keeps what was ticked)."""
        if tariff_id == self.chosen:
            return
        self.chosen = shown(tariff_id, (t.id for t in self.tariffs))
        self.services = next((list(t.kept) for t in self.tariffs if t.id == self.chosen), [])

    @rx.event
    def tick(self, service_id: str, ticked: bool):
        offered = (s.id for t in self.tariffs if t.id == self.chosen for s in t.services)
        service_id = shown(service_id, offered)
        kept = [i for i in self.services if i != service_id]
        self.services = [*kept, service_id] if ticked and service_id else kept


class TariffChoiceState(TariffPick, rx.State):
    @event
    async def open(self):
        card = await self.get_state(CardState)
        self._offer(await card._run(subscriber_ops.allowed_tariffs, on_account=False, subscriber_id=card.subscriber_id))
        card.open("tariff")

    @event
    async def connect(self):
        card = await self.get_state(CardState)
        return await card._order(subscriber_ops.order_tariff_change, tariff_id=int(self.chosen),
                                 service_ids=[int(i) for i in self.services])


class NumberChangeState(rx.State):
    categories: list[Option] = []
    category: str = ""
    numbers: list[str] = []
    draws_left: int = 5
    picked: str = ""
    confirming: bool = False  # the confirmation: old and new number and the price, before anything changes
    old_number: str = ""
    new_number: str = ""
    price: str = ""

    @event
    async def open(self):
        card = await self.get_state(CardState)
        found = await card._run(subscriber_ops.number_categories, on_account=False, subscriber_id=card.subscriber_id)
        self.categories = [Option(value=c, label=f"{c}: свободных {n}, {money(price)}") for c, n, price in found]
        self.category = self.categories[0].value if self.categories else ""
        self.numbers, self.picked, self.confirming = [], "", False
        card.open("number")

    @rx.event
    def set_category(self, value: str):
        self.category = one(value)

    @event
    async def draw(self):
        card = await self.get_state(CardState)
        drawn = await card._run(subscriber_ops.draw_numbers, on_account=False, subscriber_id=card.subscriber_id,
                                category=self.category)
        self.numbers, self.draws_left, self.picked = list(drawn.numbers), drawn.draws_left, ""

    @rx.event
    def pick(self, number: str | list[str]):
        self.picked = shown(number, self.numbers)

    @event
    async def review(self):
        card = await self.get_state(CardState)
        preview = await card._run(subscriber_ops.preview_number_change, on_account=False,
                                  subscriber_id=card.subscriber_id, number=self.picked)
        self.old_number, self.new_number, self.price = preview.old_number, preview.new_number, money(preview.price)
        self.confirming, card.error = True, ""

    @rx.event
    def back(self):
        self.confirming = False

    @event
    async def change(self):
        card = await self.get_state(CardState)
        return await card._order(subscriber_ops.order_number_change, number=self.new_number)


class SimReplacementState(rx.State):
    free: list[str] = []
    iccid: str = ""
    iccid_error: str = ""  # beside the field: set when the field is left, cleared once it is right
    confirming: bool = False

    @event
    async def open(self):
        card = await self.get_state(CardState)
        found = await card._run(subscriber_ops.free_sims)
        self.free, self.iccid, self.iccid_error, self.confirming = list(found), "", "", False
        card.open("sim")

    async def _check(self, iccid: str) -> bool:
        card = await self.get_state(CardState)
        try:
            self.iccid = await card._call(subscriber_ops.check_replacement_sim, on_account=False,
                                          subscriber_id=card.subscriber_id, iccid=str(iccid or ""))
        except DomainError as refusal:
            if isinstance(refusal, SESSION_REFUSALS):
                raise Stopped(await card._refused(refusal)) from None
            self.iccid, self.iccid_error = str(iccid or "")[:32], refusal.message
            return False
        self.iccid_error = ""
        return True

    @event
    async def leave_field(self, iccid: str):
        if str(iccid or "").strip():
            await self._check(iccid)

    @event
    async def edit(self, iccid: str):
        """Typing in the field: an error shown goes away as soon as the number is right."""
        if self.iccid_error:
            await self._check(iccid)

    @event
    async def next_step(self, form: dict):
        self.confirming = await self._check(form.get("iccid", ""))

    @rx.event
    def back(self):
        self.confirming = False

    @event
    async def confirm(self):
        card = await self.get_state(CardState)
        return await card._order(subscriber_ops.order_sim_replacement, iccid=self.iccid)
