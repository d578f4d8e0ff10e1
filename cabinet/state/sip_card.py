"""The SIP subscriber's page: its sections, «Персональная информация» (P11), «Услуги абонента» (P12) and
«SIP-многоканальность» (P13); the other sections are in `sip_card_views`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import reflex as rx

from cabinet import routes
from cabinet.services.sip import channels as sip_channels
from cabinet.services.sip import subscribers as sip_subscribers
from cabinet.state.card import ServiceRow, SubscriberOrders, service_row
from cabinet.state.format import one, shown
from cabinet.state.page import PageState, event
from cabinet.text import money

SHOWN_AT_ONCE = 200  # «Показать все»: a SIP account has a handful; the rest are found by number
# The page's sections as the manual names them, each with its sub-sections; a section opened opens its first one.
SECTIONS = {"info": ("info",), "operations": ("services",), "telephony": ("channels", "settings"),
            "charges": ("charges",), "calls": ("calls",)}
SUB_SECTIONS = {part for parts in SECTIONS.values() for part in parts}


@dataclass
class SipRow:
    id: str
    title: str  # «375172000001 · SIP-соединение · Офис»


@dataclass
class SipServiceRow(ServiceRow):
    by_application: bool = False  # «только по заявлению»: neither «Удалить» nor «Добавить»


@dataclass
class PackageRow:
    id: str
    title: str  # «4 канала · 10,00 BYN в месяц»


class SipChooseState(PageState, rx.State):
    """«Выбор SIP-абонента» (P10): by number, or «Показать все» and pick one, «Далее». A number refused by «Найти»
    stands beside its field, checked again as it is typed until it is found."""

    rows: list[SipRow] = []
    number_error: str = ""
    showing_all: bool = False
    more: int = 0  # subscribers beyond the ones shown, to be found by number
    picked: str = ""

    @rx.event
    def load(self):
        self._begin()
        self.rows, self.showing_all, self.picked, self.number_error, self.loaded = [], False, "", "", True

    @event
    async def find(self, form: dict):
        self.error = ""
        found, self.number_error = await self._checked(sip_subscribers.find_sip_subscriber,
                                                       number=str(form.get("number", ""))[:40])
        return rx.redirect(routes.sip_card(found)) if found is not None else None

    @event
    async def retype_number(self, value: str):
        """While a refusal stands beside the number, each change looks it up again: it goes once it is found."""
        if self.number_error:
            _, self.number_error = await self._checked(sip_subscribers.find_sip_subscriber, number=str(value)[:40])

    @event
    async def show_all(self):
        self.error = ""
        found = await self._run(sip_subscribers.list_sip_subscribers, page=1, page_size=SHOWN_AT_ONCE)
        self.rows = [SipRow(id=str(r.id), title=" · ".join(part for part in (r.number, r.tariff_name, r.name) if part))
                     for r in found.rows]
        self.more = found.total - len(found.rows)
        self.showing_all, self.picked = True, ""

    @rx.event
    def pick(self, subscriber_id: str | list[str]):
        self.picked = shown(subscriber_id, (row.id for row in self.rows))

    @rx.event
    def next_step(self):
        if not self.picked:
            self.error = "Выберите абонента из списка."
            return None
        return rx.redirect(routes.sip_card(self.picked))


class SipCardState(SubscriberOrders, rx.State):
    section: str = "info"
    number: str = ""
    name: str = ""
    status_title: str = ""
    tariff_name: str = ""
    connected_on: str = ""
    is_connection: bool = False
    free_minutes: str = ""  # «120 из 300»
    channel_package: str = ""
    connected: list[SipServiceRow] = []
    available: list[SipServiceRow] = []

    @event
    async def load(self):
        self._begin()
        self.subscriber_id, self.section = self._id_from_address(), "info"
        return await self._refresh()

    async def _refresh(self):
        found = await self._run(sip_subscribers.sip_subscriber, on_account=False, subscriber_id=self.subscriber_id)
        card = found.card
        self.number, self.name, self.status_title, self.tariff_name = (card.number, card.name, card.status_title,
                                                                       card.tariff_name)
        self.connected_on = f"{card.connected_on:%d.%m.%Y}" if card.connected_on else ""
        self.is_connection, self.channel_package = found.is_connection, found.channel_package or "не подключен"
        self.free_minutes = (f"{found.free_minutes_left} из {found.free_minutes_total}"
                             if found.free_minutes_left is not None else "")
        self.connected = [_service_row(s, found.by_application) for s in card.connected_services]
        self.available = [_service_row(s, found.by_application) for s in card.available_services]
        self._key, self.loaded = self._new_key(), True
        if self.is_connection:
            await (await self.get_state(SipChannelsState))._show(self.subscriber_id)

    @rx.var
    def group(self) -> str:
        """The section of SECTIONS the open sub-section belongs to."""
        return next((group for group, parts in SECTIONS.items() if self.section in parts), "info")

    @rx.event
    def open_section(self, section: str | list[str]):
        """A section (its first sub-section) or a sub-section; «SIP-многоканальность» only on «SIP-соединение»."""
        section = one(section)
        parts = SECTIONS.get(section, (section,) if section in SUB_SECTIONS else ())
        self.section = next((part for part in parts if part != "channels" or self.is_connection), "info")
        self.error, self.done, self._key = "", "", self._new_key()


def _service_row(row, by_application: frozenset[int]) -> SipServiceRow:
    return SipServiceRow(**asdict(service_row(row)), by_application=row.id in by_application)


class SipChannelsState(PageState, rx.State):
    """«SIP-многоканальность» (P13): «Изменить», a package ticked, «Изменить» again to review what the change
    does, «Подтвердить»."""

    current: str = ""
    packages: list[PackageRow] = []
    note: str = ""  # when a change is not possible yet
    chosen: str = ""
    step: str = "view"  # view | choose
    confirming: bool = False
    change_package: str = ""  # the confirmation: «10 каналов»
    change_fee: str = ""  # «10,00 BYN»
    next_change_on: str = ""  # «12.11.2026»

    async def _show(self, subscriber_id: int):
        found = await self._run(sip_channels.channels, on_account=False, subscriber_id=subscriber_id)
        self.current, self.note, self.step, self.chosen = found.current or "не подключен", found.note, "view", ""
        self.confirming = False
        self.packages = [PackageRow(id=str(p.id), title=f"{p.name} · {money(p.monthly_fee)} в месяц")
                         for p in found.packages]

    @rx.event
    def start(self):
        self.step, self.chosen, self.error = "choose", "", ""

    @rx.event
    def choose(self, package_id: str | list[str]):
        self.chosen = shown(package_id, (p.id for p in self.packages))

    @event
    async def review(self):
        if not self.chosen:
            self.error = "Отметьте пакет каналов."
            return
        self.error = ""
        card = await self.get_state(SipCardState)
        change = await self._run(sip_channels.review_channel_change, on_account=False,
                                 subscriber_id=card.subscriber_id, package_id=int(self.chosen))
        self.change_package, self.change_fee = change.package_name, money(change.monthly_fee)
        self.next_change_on, self.confirming = f"{change.next_change_on:%d.%m.%Y}", True

    @rx.event
    def set_confirming(self, value: bool):
        """The dialog closed («Отмена», Escape); only `review` opens it."""
        self.confirming = self.confirming and bool(value)

    @rx.event
    def back(self):
        self.step, self.error = "view", ""

    @event
    async def confirm(self):
        card = await self.get_state(SipCardState)
        self.step, self.confirming = "view", False
        return await card._order(sip_channels.order_channel_change, package_id=int(self.chosen or 0))
