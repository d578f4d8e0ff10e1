"""The SIP subscriber's page, the sections that only show: «Параметры для настройки SIP» (P14), «Начисления за
период» (P15), «Просмотр детализации» (P16). Each reads the subscriber from the page's address."""

from __future__ import annotations

import reflex as rx

from cabinet.services.sip import subscribers as sip_subscribers
from cabinet.state.page import SipPage
from cabinet.text import money, month_words

CALLS_PAGE = 50


def _month_options(months) -> list[dict[str, str]]:
    return [{"value": f"{m:%Y-%m}", "label": month_words(m)} for m in months]


def _year_month(value: str) -> tuple[str, str]:
    year, _, month = value.partition("-")
    return year, month


class SipSettingsState(SipPage, rx.State):
    rows: list[dict[str, str]] = []  # label, value
    password: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        found, event = await self._run(sip_subscribers.sip_settings, on_account=False,
                                       subscriber_id=self._id_from_address())
        if found is not None:
            self.rows = [{"label": label, "value": value} for label, value in (
                ("Регистратор (registrar)", found.registrar), ("Прокси-сервер (proxy)", found.proxy),
                ("Порт", found.port), ("Транспорт", found.transport), ("Логин", found.login),
                ("Имя для аутентификации", found.auth_name), ("Кодеки", found.codecs))]
            self.password, self.loaded = "", True
        return event

    @rx.event
    async def show_password(self):
        found, event = await self._run(sip_subscribers.sip_password, on_account=False,
                                       subscriber_id=self._id_from_address())
        if found is not None:
            self.password = found
        return event

    @rx.event
    def hide_password(self):
        self.password = ""


class SipChargesState(SipPage, rx.State):
    months: list[dict[str, str]] = []
    month: str = ""
    title: str = ""  # the month shown, "" before «Далее»
    preliminary: bool = False
    rows: list[dict[str, str]] = []
    total: str = ""

    @rx.event
    def load(self):
        """Only the months to choose from: the page's own guard is SipCardState's, every figure a checked call."""
        self.months = _month_options(sip_subscribers.charge_months())
        self.month, self.title, self.rows, self.error, self.loaded = self.months[0]["value"], "", [], "", True

    @rx.event
    def set_month(self, month: str):
        self.month = month

    @rx.event
    async def show(self):
        year, month = _year_month(self.month)
        found, event = await self._run(sip_subscribers.subscriber_charges, on_account=False,
                                       subscriber_id=self._id_from_address(), year=year, month=month)
        if found is not None:
            self.title, self.preliminary, self.total = found.title, found.preliminary, money(found.total)
            self.rows = [{"description": r.description, "amount": money(r.amount)} for r in found.rows]
        return event


class SipCallsState(SipPage, rx.State):
    months: list[dict[str, str]] = []
    month: str = ""
    directions: list[dict[str, str]] = [{"value": k, "label": v} for k, v in sip_subscribers.CALL_DIRECTIONS.items()]
    direction: str = "out"
    shown: bool = False
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // CALLS_PAGE))

    @rx.event
    def load(self):
        """Only the months to choose from, as SipChargesState.load."""
        self.months = _month_options(sip_subscribers.call_months())
        self.month, self.shown, self.rows, self.error, self.loaded = self.months[0]["value"], False, [], "", True

    @rx.event
    def set_month(self, month: str):
        self.month, self.shown = month, False

    @rx.event
    def set_direction(self, direction: str):
        self.direction, self.shown = direction, False

    @rx.event
    async def show(self):
        self.page = 1
        return await self._fetch()

    @rx.event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._fetch()

    async def _fetch(self):
        year, month = _year_month(self.month)
        found, event = await self._run(sip_subscribers.subscriber_calls, on_account=False,
                                       subscriber_id=self._id_from_address(), year=year, month=month,
                                       direction=self.direction, page=self.page, page_size=CALLS_PAGE)
        if found is not None:
            self.total, self.shown = found.total, True
            self.rows = [{"at": f"{c.started_at:%d.%m.%Y %H:%M}", "number": c.other_number,
                          "duration": f"{c.duration_seconds // 60}:{c.duration_seconds % 60:02d}",
                          "cost": money(c.cost)} for c in found.rows]
        return event
