"""The subscriber card: what the subscriber has, and every single-subscriber operation (S2–S8)."""

from __future__ import annotations

import asyncio

import reflex as rx

from cabinet.services.requests import history
from cabinet.services.subscribers import operations as subscriber_ops
from cabinet.services.subscribers.card import subscriber_card
from cabinet.state.page import CompanyPage
from cabinet.text import money


def service_view(row) -> dict[str, str]:
    return {"id": str(row.id), "name": row.name, "category": row.category, "fee": money(row.monthly_fee),
            "included": "1" if getattr(row, "included", False) else "",
            "reason": getattr(row, "reason_unavailable", None) or ""}


class SubscriberOrders(rx.State, mixin=True):
    """One subscriber's operations as requests the page follows until the worker is done; the page state gives
    `_refresh`, and `_run`, `_call` (CompanyPage or SipPage)."""

    subscriber_id: int = 0
    following: int = 0  # the request whose result the page waits for
    dialog: str = ""  # which operation's dialog is open
    _key: str = ""

    async def _order(self, service, **kwargs):
        """Store the operation as a request; the page follows it until the worker is done."""
        self.error, self.done = "", ""
        result, event = await self._run(service, on_account=False, subscriber_id=self.subscriber_id,
                                        idempotency_key=self._key, **kwargs)
        if event is not None or result is None:
            return event
        self.dialog, self.done, self.following = "", result.message, result.request_id
        return type(self).follow

    @rx.event(background=True)
    async def follow(self):
        for _ in range(120):
            await asyncio.sleep(0.5)
            async with self:
                try:
                    found = await self._call(history.get_request, on_account=False, request_id=self.following)
                except Exception:  # the session ended or the page was left: stop following
                    return
                if found.finished_at is None:
                    continue
                self.done = f"{found.kind_title}: {found.status_title.lower()}. {found.summary}".strip()
                self.following = 0
                await self._refresh()
                return

    @rx.event
    async def connect(self, service_id: str):
        return await self._order(subscriber_ops.order_service_change, service_id=int(service_id), connect=True)

    @rx.event
    async def disconnect(self, service_id: str):
        return await self._order(subscriber_ops.order_service_change, service_id=int(service_id), connect=False)


class CardState(SubscriberOrders, CompanyPage, rx.State):
    number: str = ""
    name: str = ""
    status: str = ""
    status_title: str = ""
    tariff_name: str = ""
    sim: str = ""
    self_sim: bool = False
    connected: list[dict[str, str]] = []
    available: list[dict[str, str]] = []
    forwarding: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []  # dialogs: rename | tariff | forwarding | number | sim | activate

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.subscriber_id = self._id_from_address()
        return await self._refresh()

    async def _refresh(self):
        card, event = await self._run(subscriber_card, on_account=False, subscriber_id=self.subscriber_id)
        if event is not None or card is None:
            return event
        self.number, self.name, self.status, self.status_title = card.number, card.name, card.status, card.status_title
        self.tariff_name, self.sim, self.self_sim = card.tariff_name, card.sim_iccid or "", card.self_sim_replacement
        self.connected = [service_view(s) for s in card.connected_services]
        self.available = [service_view(s) for s in card.available_services]
        self.forwarding = [{"kind": f.kind, "title": f.title, "target": f.target or "не настроена",
                            "delay": f"{f.delay_seconds} с" if f.delay_seconds else ""} for f in card.forwarding]
        self.pending = [{"id": str(p.id), "kind": p.kind_title, "status": p.status_title} for p in card.pending]
        self._key = self._new_key()
        self.loaded = True
        return None

    @rx.event
    def open(self, dialog: str):
        self.dialog, self.error = dialog, ""
        self._key = self._new_key()

    @rx.event
    def close(self, _open: bool = False):
        self.dialog = ""

    @rx.event
    async def activate(self):
        return await self._order(subscriber_ops.order_activation)

    @rx.event
    async def rename(self, form: dict):
        return await self._order(subscriber_ops.order_rename, name=form.get("name", ""))

    @rx.event
    async def set_forwarding(self, form: dict):
        delay = form.get("delay") or None
        target = None if form.get("switch_off") else (form.get("target") or "")
        return await self._order(subscriber_ops.order_forwarding, kind=form.get("kind", ""), target=target,
                                 delay_seconds=int(delay) if delay else None)
