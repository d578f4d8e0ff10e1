"""«Выбор SIP-абонента» (P10) and the chosen subscriber's page (P11–P16)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.cards import loading
from cabinet.components.forms import field
from cabinet.components.layout import TOUCH, info, refusal, shell
from cabinet.components.sip_card import calls, channels, charges, personal, services, settings
from cabinet.state.sip_card import SipCardState, SipChooseState


def sip_choose_page() -> rx.Component:
    s = SipChooseState
    return shell(
        "Выбор SIP-абонента",
        rx.vstack(
            rx.form(
                rx.hstack(field("По номеру телефона", "number", placeholder="375172000001", input_mode="tel"),
                          rx.button("Найти", type="submit", size="3", min_height=TOUCH),
                          align="end", spacing="3", wrap="wrap"),
                on_submit=s.find, reset_on_submit=False,
            ),
            rx.button("Показать все", variant="soft", size="3", min_height=TOUCH, on_click=s.show_all),
            rx.cond(s.showing_all, rx.vstack(
                rx.radio_group.root(
                    rx.vstack(rx.foreach(s.rows, lambda r: rx.radio_group.item(
                        r["number"] + " · " + r["tariff"] + rx.cond(r["name"] != "", " · " + r["name"], ""),
                        value=r["id"], min_height=TOUCH)), spacing="2"),
                    value=s.picked, on_change=s.pick, size="3", aria_label="SIP-абоненты",
                ),
                rx.cond(s.more > 0, rx.text("Еще абонентов: ", s.more, ". Найдите нужного по номеру.", size="2")),
                rx.button("Далее", size="3", min_height=TOUCH, on_click=s.next_step),
                spacing="3")),
            refusal(s.error),
            spacing="4", width="100%",
        ),
    )


def sip_card_page() -> rx.Component:
    s = SipCardState
    triggers = [("Персональная информация", "info"), ("Услуги абонента", "services"),
                ("SIP-многоканальность", "channels"), ("Параметры для настройки SIP", "settings"),
                ("Начисления за период", "charges"), ("Просмотр детализации", "calls")]
    return shell(
        "SIP-абонент",
        rx.link("← «Выбор SIP-абонента»", href=routes.SIP_SUBSCRIBERS),
        loading(
            s.loaded,
            rx.heading(s.number, " · ", s.tariff_name, size="5", as_="h2", padding_y="0.5em"),
            rx.tabs.root(
                rx.tabs.list(*[rx.tabs.trigger(title, value=value, min_height=TOUCH)
                               if value != "channels" else rx.cond(s.is_connection, rx.tabs.trigger(
                                   title, value=value, min_height=TOUCH))
                               for title, value in triggers], wrap="wrap"),
                rx.tabs.content(personal(), value="info", padding_top="1em"),
                rx.tabs.content(services(), value="services", padding_top="1em"),
                rx.tabs.content(channels(), value="channels", padding_top="1em"),
                rx.tabs.content(settings(), value="settings", padding_top="1em"),
                rx.tabs.content(charges(), value="charges", padding_top="1em"),
                rx.tabs.content(calls(), value="calls", padding_top="1em"),
                value=s.section, on_change=s.open_section, width="100%",
            ),
            refusal(s.error),
            info(s.done),
        ),
    )
