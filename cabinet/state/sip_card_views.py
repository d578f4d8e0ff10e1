"""The SIP subscriber's page, the sections that only show: «Параметры для настройки SIP» (P14), «Начисления за
период» (P15), «Просмотр детализации» (P16). Each reads the subscriber from the page's address."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.sip import subscribers as sip_subscribers
from cabinet.state.format import Option, one, options
from cabinet.state.page import Paged, PageState, event
from cabinet.text import money, month_words

CALLS_PAGE = 50


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class ChargeRow:
    description: str
    amount: str


@dataclass
class CallRow:
    at: str
    number: str
    duration: str
    cost: str


def _month_options(months) -> list[Option]:
    return options((f"{m:%Y-%m}", month_words(m)) for m in months)


def _year_month(value: str) -> tuple[str, str]:
    year, _, month = value.partition("-")
    return year, month


class SipSettingsState(PageState, rx.State):
    rows: list[Fact] = []
    password: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(sip_subscribers.sip_settings, on_account=False, subscriber_id=self._id_from_address())
        self.rows = [Fact(label=label, value=value) for label, value in (
            ("Регистратор (registrar)", found.registrar), ("Прокси-сервер (proxy)", found.proxy),
            ("Порт", found.port), ("Транспорт", found.transport), ("Логин", found.login),
            ("Имя для аутентификации", found.auth_name), ("Кодеки", found.codecs))]
        self.password, self.loaded = "", True

    @event
    async def show_password(self):
        self.password = await self._run(sip_subscribers.sip_password, on_account=False,
                                        subscriber_id=self._id_from_address())

    @rx.event
    def hide_password(self):
        self.password = ""


class SipChargesState(PageState, rx.State):
    months: list[Option] = []
    month: str = ""
    title: str = ""  # the month shown, "" before «Далее»
    preliminary: bool = False
    rows: list[ChargeRow] = []
    total: str = ""

    @rx.event
    def load(self):
        """Only the months to choose from: every figure is a checked call."""
        self._begin()
        self.months = _month_options(sip_subscribers.charge_months())
        self.month, self.title, self.rows, self.loaded = self.months[0].value, "", [], True

    @rx.event
    def set_month(self, month: str):
        self.month = one(month)

    @event
    async def show(self):
        year, month = _year_month(self.month)
        found = await self._run(sip_subscribers.subscriber_charges, on_account=False,
                                subscriber_id=self._id_from_address(), year=year, month=month)
        self.title, self.preliminary, self.total = found.title, found.preliminary, money(found.total)
        self.rows = [ChargeRow(description=r.description, amount=money(r.amount)) for r in found.rows]


class SipCallsState(Paged, PageState, rx.State):
    months: list[Option] = []
    month: str = ""
    directions: list[Option] = options(sip_subscribers.CALL_DIRECTIONS.items())
    direction: str = "out"
    shown: bool = False
    rows: list[CallRow] = []

    @rx.event
    def load(self):
        """Only the months to choose from, as SipChargesState.load."""
        self._begin()
        self.months = _month_options(sip_subscribers.call_months())
        self.month, self.shown, self.rows, self.loaded = self.months[0].value, False, [], True

    @rx.event
    def set_month(self, month: str):
        self.month, self.shown = one(month), False

    @rx.event
    def set_direction(self, direction: str):
        self.direction, self.shown = one(direction), False

    @event
    async def show(self):
        self.page = 1
        return await self._fetch()

    async def _fetch(self):
        year, month = _year_month(self.month)
        found = await self._run(sip_subscribers.subscriber_calls, on_account=False,
                                subscriber_id=self._id_from_address(), year=year, month=month,
                                direction=self.direction, page=self.page, page_size=CALLS_PAGE)
        self.rows = [CallRow(at=f"{c.started_at:%d.%m.%Y %H:%M}", number=c.other_number,
                             duration=f"{c.duration_seconds // 60}:{c.duration_seconds % 60:02d}", cost=money(c.cost))
                     for c in self._paged(found)]
        self.shown = True
