"""The sections of the SIP subscriber's page (P11–P16)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.dialogs import confirm
from cabinet.components.forms import radio
from cabinet.components.layout import TOUCH, refusal
from cabinet.components.select import select
from cabinet.components.table import pager, simple_table
from cabinet.state.sip_card import SipCardState as Card
from cabinet.state.sip_card import SipChannelsState as Channels
from cabinet.state.sip_card_views import SipCallsState as Calls
from cabinet.state.sip_card_views import SipChargesState as Charges
from cabinet.state.sip_card_views import SipSettingsState as Settings


def _button(label, **props) -> rx.Component:
    return rx.button(label, size="3", min_height=TOUCH, **props)


def _fact(label: str, value) -> rx.Component:
    return rx.hstack(rx.text(label, color_scheme="gray", min_width="14em"), rx.text(value, weight="medium"),
                     wrap="wrap")


def personal() -> rx.Component:
    return rx.vstack(
        _fact("Номер", Card.number),
        _fact("Имя", Card.name),
        _fact("Тарифный план", Card.tariff_name),
        _fact("Статус", Card.status_title),
        _fact("Дата подключения", Card.connected_on),
        rx.cond(Card.is_connection, rx.fragment(
            _fact("Остаток бесплатных минут в другие сети", Card.free_minutes),
            _fact("SIP-многоканальность", Card.channel_package))),
        spacing="2",
    )


def _service_row(s, action) -> rx.Component:
    """A service with its action, or «только по заявлению» in place of it."""
    return rx.hstack(
        rx.vstack(rx.text(s.name), rx.text(s.category, " · ", s.fee, size="1", color_scheme="gray"),
                  rx.cond((s.reason != "") & ~s.by_application, rx.text(s.reason, size="1", color_scheme="amber")),
                  spacing="0"),
        rx.spacer(), rx.cond(s.by_application, rx.badge("только по заявлению", color_scheme="amber", high_contrast=True, size="2"), action),
        role="group", aria_label=s.name, width="100%", align="center",
    )


def services() -> rx.Component:
    return rx.vstack(
        rx.callout("Подключение/отключение пакетов минут в другие сети возможно только по заявлению.", icon="info"),
        rx.heading("Удаление услуг", size="4", as_="h3"),
        rx.foreach(Card.connected, lambda s: _service_row(s, rx.cond(
            s.included, rx.badge("входит в тариф", size="2"),
            _button("Удалить", variant="soft", color_scheme="red", on_click=Card.disconnect(s.id))))),
        rx.heading("Добавление услуг", size="4", as_="h3"),
        rx.foreach(Card.available, lambda s: _service_row(
            s, _button("Добавить", disabled=s.reason != "", on_click=Card.connect(s.id)))),
        spacing="3", width="100%",
    )


def channels() -> rx.Component:
    choose = rx.radio_group.root(
        rx.vstack(rx.foreach(Channels.packages, lambda p: radio(p.title, p.id)),
                  spacing="2"),
        value=Channels.chosen, on_change=Channels.choose, size="3", aria_label="Пакеты каналов",
    )
    return rx.vstack(
        rx.text("Подключенный пакет каналов: ", rx.text.strong(Channels.current)),
        rx.cond(
            Channels.step == "choose",
            rx.vstack(choose, rx.hstack(_button("Назад", variant="soft", on_click=Channels.back),
                                        _button("Изменить", on_click=Channels.review)), spacing="3"),
            rx.cond(Channels.note != "", rx.callout(Channels.note, icon="clock", color_scheme="amber", high_contrast=True),
                    _button("Изменить", variant="soft", on_click=Channels.start)),
        ),
        refusal(Channels.error),
        confirm(Channels.confirming, Channels.set_confirming, "Смена пакета каналов",
                rx.fragment("Будет подключен пакет «", Channels.change_package, "» — ", Channels.change_fee,
                            " в месяц.", rx.el.br(), "Следующая смена — не ранее ", Channels.next_change_on, "."),
                "Подтвердить", Channels.confirm),
        spacing="3", width="100%",
    )


def settings() -> rx.Component:
    return rx.vstack(
        rx.foreach(Settings.rows, lambda r: _fact(r.label, r.value)),
        rx.hstack(
            rx.text("Пароль", color_scheme="gray", min_width="14em"),
            rx.cond(Settings.password != "",
                    rx.hstack(rx.code(Settings.password, size="3"),
                              _button("Скрыть пароль", variant="soft", on_click=Settings.hide_password)),
                    _button("Показать пароль", variant="soft", on_click=Settings.show_password)),
            align="center", wrap="wrap",
        ),
        refusal(Settings.error),
        spacing="2",
    )


def charges() -> rx.Component:
    return rx.vstack(
        rx.hstack(select("Месяц", "month", Charges.months, value=Charges.month, on_change=Charges.set_month),
                  _button("Далее", on_click=Charges.show), align="end", spacing="3"),
        rx.cond(Charges.title != "", rx.vstack(
            rx.heading("Начисления за ", Charges.title, rx.cond(Charges.preliminary, " (на текущую дату)", ""),
                       size="4", as_="h3"),
            rx.cond(Charges.rows.length() > 0,
                    simple_table([("Начисление", "description"), ("Сумма", "amount")], Charges.rows),
                    rx.callout("За этот месяц начислений нет.", icon="inbox")),
            rx.text("Итого: ", rx.text.strong(Charges.total)),
            spacing="2", width="100%")),
        refusal(Charges.error),
        spacing="3", width="100%",
    )


def calls() -> rx.Component:
    return rx.vstack(
        rx.hstack(select("Месяц", "month", Calls.months, value=Calls.month, on_change=Calls.set_month),
                  select("Вид детализации", "direction", Calls.directions, value=Calls.direction,
                         on_change=Calls.set_direction),
                  _button("Далее", on_click=Calls.show), align="end", spacing="3", wrap="wrap"),
        rx.cond(Calls.shown, rx.cond(
            Calls.total > 0,
            rx.vstack(simple_table([("Дата и время", "at"), ("Номер", "number"), ("Длительность", "duration"),
                                    ("Стоимость", "cost")], Calls.rows),
                      pager(Calls.page, Calls.pages, Calls.go), width="100%"),
            rx.callout("За выбранный период у абонента не было звонков.", icon="phone-off"))),
        refusal(Calls.error),
        spacing="3", width="100%",
    )
