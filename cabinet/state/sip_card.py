"""The SIP subscriber's page: «Персональная информация» (P11), «Услуги абонента» (P12) and
«SIP-многоканальность» (P13); the other sections are in `sip_card_views`."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.services.sip import channels as sip_channels
from cabinet.services.sip import subscribers as sip_subscribers
from cabinet.state.card import SubscriberOrders, service_view
from cabinet.state.page import SipPage
from cabinet.text import money

SHOWN_AT_ONCE = 200  # «Показать все»: a SIP account has a handful; the rest are found by number
SECTIONS = ("info", "services", "channels", "settings", "charges", "calls")


class SipChooseState(SipPage, rx.State):
    """«Выбор SIP-абонента» (P10): by number, or «Показать все» and pick one, «Далее»."""

    rows: list[dict[str, str]] = []
    showing_all: bool = False
    more: int = 0  # subscribers beyond the ones shown, to be found by number
    picked: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        self.rows, self.showing_all, self.picked, self.loaded = [], False, "", redirect is None
        return redirect

    @rx.event
    async def find(self, form: dict):
        self.error = ""
        found, event = await self._run(sip_subscribers.find_sip_subscriber, number=str(form.get("number", "")))
        return event if found is None else rx.redirect(routes.sip_card(found))

    @rx.event
    async def show_all(self):
        self.error = ""
        found, event = await self._run(sip_subscribers.list_sip_subscribers, page=1, page_size=SHOWN_AT_ONCE)
        if found is not None:
            self.rows = [{"id": str(r.id), "number": r.number, "name": r.name, "tariff": r.tariff_name}
                         for r in found.rows]
            self.more = found.total - len(found.rows)
            self.showing_all, self.picked = True, ""
        return event

    @rx.event
    def pick(self, subscriber_id: str | list[str]):
        self.picked = subscriber_id if isinstance(subscriber_id, str) else subscriber_id[0]

    @rx.event
    def next_step(self):
        if not self.picked:
            self.error = "Выберите абонента из списка."
            return None
        return rx.redirect(routes.sip_card(self.picked))


class SipCardState(SubscriberOrders, SipPage, rx.State):
    section: str = "info"
    number: str = ""
    name: str = ""
    status_title: str = ""
    tariff_name: str = ""
    connected_on: str = ""
    is_connection: bool = False
    free_minutes: str = ""  # «120 из 300»
    channel_package: str = ""
    connected: list[dict[str, str]] = []
    available: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.subscriber_id, self.section = self._id_from_address(), "info"
        return await self._refresh()

    async def _refresh(self):
        found, event = await self._run(sip_subscribers.sip_subscriber, on_account=False,
                                       subscriber_id=self.subscriber_id)
        if event is not None or found is None:
            return event
        card = found.card
        self.number, self.name, self.status_title, self.tariff_name = (card.number, card.name, card.status_title,
                                                                       card.tariff_name)
        self.connected_on = f"{card.connected_on:%d.%m.%Y}" if card.connected_on else ""
        self.is_connection, self.channel_package = found.is_connection, found.channel_package or "не подключен"
        self.free_minutes = (f"{found.free_minutes_left} из {found.free_minutes_total}"
                             if found.free_minutes_left is not None else "")
        self.connected = [service_view(s) for s in card.connected_services]
        self.available = [service_view(s) for s in card.available_services]
        self._key, self.loaded = self._new_key(), True
        if self.is_connection:
            return await (await self.get_state(SipChannelsState))._show(self.subscriber_id)
        return None

    @rx.event
    def open_section(self, section: str | list[str]):
        section = section if isinstance(section, str) else section[0]
        self.section = section if section in SECTIONS else "info"
        self.error, self.done, self._key = "", "", self._new_key()


class SipChannelsState(SipPage, rx.State):
    """«SIP-многоканальность» (P13): «Изменить», a package ticked, «Изменить» again to review, «Подтвердить»."""

    current: str = ""
    packages: list[dict[str, str]] = []
    note: str = ""  # when a change is not possible yet
    chosen: str = ""
    step: str = "view"  # view | choose | confirm

    async def _show(self, subscriber_id: int):
        found, event = await self._run(sip_channels.channels, on_account=False, subscriber_id=subscriber_id)
        if found is not None:
            self.current, self.note, self.step, self.chosen = found.current or "не подключен", found.note, "view", ""
            self.packages = [{"id": str(p.id), "name": p.name, "fee": money(p.monthly_fee)} for p in found.packages]
        return event

    @rx.event
    def start(self):
        self.step, self.chosen, self.error = "choose", "", ""

    @rx.event
    def choose(self, package_id: str | list[str]):
        self.chosen = package_id if isinstance(package_id, str) else package_id[0]

    @rx.event
    def review(self):
        if not self.chosen:
            self.error = "Отметьте пакет каналов."
            return
        self.error, self.step = "", "confirm"

    @rx.event
    def back(self):
        self.step = "view" if self.step == "choose" else "choose"

    @rx.event
    async def confirm(self):
        card = await self.get_state(SipCardState)
        self.step = "view"
        return await card._order(sip_channels.order_channel_change, package_id=int(self.chosen))
