"""«Выбор SIP-абонента» (P10) and the chosen subscriber's page (P11–P16)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import field, link, radio
from cabinet.components.layout import TOUCH, frame, tabbed
from cabinet.components.sip_card import calls, channels, charges, personal, services, settings
from cabinet.pages.page import page
from cabinet.state.sip_card import SipCardState, SipChooseState
from cabinet.state.sip_card_views import SipCallsState, SipChargesState, SipSettingsState


@page(routes.SIP_SUBSCRIBERS, "Выбор SIP-абонента · Личный кабинет SIP", guard="sip", loads=[SipChooseState.load])
def sip_choose_page() -> rx.Component:
    s = SipChooseState
    return frame(
        "Выбор SIP-абонента", s,
        rx.vstack(
            rx.form(
                rx.hstack(field("По номеру телефона", "number", placeholder="375172000001", input_mode="tel",
                                on_change=s.retype_number, error=s.number_error),
                          rx.button("Найти", type="submit", size="3", min_height=TOUCH),
                          align="end", spacing="3", wrap="wrap"),
                on_submit=s.find, reset_on_submit=False,
            ),
            rx.button("Показать все", variant="soft", size="3", min_height=TOUCH, on_click=s.show_all),
            rx.cond(s.showing_all, rx.vstack(
                rx.radio_group.root(
                    rx.vstack(rx.foreach(s.rows, lambda r: radio(r.title, r.id)),
                              spacing="2"),
                    value=s.picked, on_change=s.pick, size="3", aria_label="SIP-абоненты",
                ),
                rx.cond(s.more > 0, rx.text("Еще абонентов: ", s.more, ". Найдите нужного по номеру.", size="2")),
                rx.button("Далее", size="3", min_height=TOUCH, on_click=s.next_step),
                spacing="3")),
            spacing="4", width="100%",
        ),
    )


@page(routes.SIP_CARD, "SIP-абонент · Личный кабинет SIP", guard="sip",
      loads=[SipCardState.load, SipSettingsState.load, SipChargesState.load, SipCallsState.load])
def sip_card_page() -> rx.Component:
    s = SipCardState
    return frame(
        "SIP-абонент", s,
        rx.heading(s.number, " · ", s.tariff_name, size="5", as_="h2", padding_y="0.5em"),
        tabbed(s.group, s.open_section, [
            ("Персональная информация", "info", personal()),
            ("Операции с услугами", "operations", tabbed(s.section, s.open_section, [
                ("Услуги абонента", "services", services()),
            ], label="Операции с услугами")),
            ("SIP-телефония", "telephony", tabbed(s.section, s.open_section, [
                ("SIP-многоканальность", "channels", channels(), s.is_connection),
                ("Параметры для настройки SIP", "settings", settings()),
            ], label="SIP-телефония")),
            ("Начисления за период", "charges", charges()),
            ("Просмотр детализации", "calls", calls()),
        ], label="Разделы абонента"),
        above=(link("← «Выбор SIP-абонента»", routes.SIP_SUBSCRIBERS),),
    )
