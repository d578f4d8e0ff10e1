"""The subscriber card: what the subscriber has, and every single-subscriber operation (S2–S8)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.requests import history
from cabinet.services.subscribers import operations as subscriber_ops
from cabinet.services.subscribers.card import subscriber_card
from cabinet.state.page import PageState, event, follow_request
from cabinet.text import money

ORDER_FOLLOW_SECONDS = 60


@dataclass
class ServiceRow:
    id: str
    name: str
    category: str
    fee: str
    included: bool  # in the tariff: not to be switched off
    reason: str  # why it cannot be switched on, "" when it can


def service_row(row) -> ServiceRow:
    return ServiceRow(id=str(row.id), name=row.name, category=row.category, fee=money(row.monthly_fee),
                      included=row.included, reason=row.reason_unavailable or "")


@dataclass
class ForwardingRow:
    kind: str
    title: str
    target: str
    delay: str


@dataclass
class PendingRow:
    id: str
    kind: str
    status: str


class SubscriberOrders(PageState, mixin=True):
    """One subscriber's operations as requests the page follows until the worker is done; the page state gives
    `_refresh`."""

    subscriber_id: int = 0
    following: int = 0  # the request whose result the page waits for
    dialog: str = ""  # which operation's dialog is open
    _key: str = ""

    async def _order(self, service, **kwargs):
        """Store the operation as a request; the page follows it until the worker is done."""
        self.error, self.done = "", ""
        result = await self._run(service, on_account=False, subscriber_id=self.subscriber_id,
                                 idempotency_key=self._key, **kwargs)
        self.dialog, self.done, self.following = "", result.message, result.request_id
        return type(self).follow

    async def _follow_step(self) -> bool:
        found = await self._call(history.get_request, on_account=False, request_id=self.following)
        if found.finished_at is None:
            return False
        self.done = f"{found.kind_title}: {found.status_title.lower()}. {found.summary}".strip()
        self.following = 0
        await self._refresh()
        return True

    @event(background=True)
    async def follow(self):
        await follow_request(self, self._follow_step, every=0.5, seconds=ORDER_FOLLOW_SECONDS)

    @event
    async def connect(self, service_id: str):
        return await self._order(subscriber_ops.order_service_change, service_id=int(service_id), connect=True)

    @event
    async def disconnect(self, service_id: str):
        return await self._order(subscriber_ops.order_service_change, service_id=int(service_id), connect=False)


class CardState(SubscriberOrders, rx.State):
    number: str = ""
    name: str = ""
    status: str = ""
    status_title: str = ""
    tariff_name: str = ""
    sim: str = ""
    self_sim: bool = False
    has_sim: bool = True  # a mobile line; a fixed one has no SIM card and no «Замена SIM»
    connected: list[ServiceRow] = []
    available: list[ServiceRow] = []
    forwarding: list[ForwardingRow] = []
    pending: list[PendingRow] = []  # dialogs: rename | tariff | forwarding | number | sim | activate

    @event
    async def load(self):
        self._begin()
        self.subscriber_id = self._id_from_address()
        return await self._refresh()

    async def _refresh(self):
        card = await self._run(subscriber_card, on_account=False, subscriber_id=self.subscriber_id)
        self.number, self.name, self.status, self.status_title = card.number, card.name, card.status, card.status_title
        self.tariff_name, self.sim, self.self_sim = card.tariff_name, card.sim_iccid or "", card.self_sim_replacement
        self.has_sim = card.has_sim
        self.connected = [service_row(s) for s in card.connected_services]
        self.available = [service_row(s) for s in card.available_services]
        self.forwarding = [ForwardingRow(kind=f.kind, title=f.title, target=f.target or "не настроена",
                                         delay=f"{f.delay_seconds} с" if f.delay_seconds else "")
                           for f in card.forwarding]
        self.pending = [PendingRow(id=str(p.id), kind=p.kind_title, status=p.status_title) for p in card.pending]
        self._key = self._new_key()
        self.loaded = True

    @rx.event
    def open(self, dialog: str):
        self.dialog, self.error = dialog, ""
        self._key = self._new_key()

    @rx.event
    def close(self, _open: bool = False):
        self.dialog = ""

    @event
    async def activate(self):
        return await self._order(subscriber_ops.order_activation)

    @event
    async def rename(self, form: dict):
        return await self._order(subscriber_ops.order_rename, name=form.get("name", ""))

    @event
    async def set_forwarding(self, form: dict):
        delay = form.get("delay") or None
        target = None if form.get("switch_off") else (form.get("target") or "")
        return await self._order(subscriber_ops.order_forwarding, kind=form.get("kind", ""), target=target,
                                 delay_seconds=int(delay) if delay else None)
