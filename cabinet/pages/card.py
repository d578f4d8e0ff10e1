"""The subscriber card (S2–S8)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.card_blocks import (
    forwarding_dialog,
    number_block,
    number_dialog,
    operation_dialog,
    services_block,
    sim_dialog,
    tariff_dialog,
)
from cabinet.components.forms import field, link
from cabinet.components.layout import TOUCH, frame
from cabinet.pages.page import page
from cabinet.state.card import CardState
from cabinet.state.card_ops import TariffChoiceState


def _summary() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.heading(CardState.number, size="5", as_="h2"),
                rx.hstack(rx.text(CardState.name), rx.icon_button(rx.icon("pencil"), variant="soft", size="4",
                                                                 aria_label="Изменить имя абонента",
                                                                 on_click=CardState.open("rename"))),
                rx.text("Статус: ", rx.text.strong(CardState.status_title)),
                rx.cond(CardState.has_sim, rx.text("SIM-карта: ", CardState.sim)),
                spacing="1"),
            rx.spacer(),
            rx.cond(CardState.status == "waiting",
                    rx.button("Активировать", size="3", min_height=TOUCH, on_click=CardState.open("activate"))),
            wrap="wrap", width="100%"),
        width="100%")


def _tariff_block() -> rx.Component:
    return rx.card(
        rx.heading("Тарифный план", size="4", as_="h2"),
        rx.hstack(rx.text(rx.text.strong(CardState.tariff_name)), rx.spacer(),
                  rx.button("Сменить тариф", variant="soft", size="3", min_height=TOUCH,
                            on_click=TariffChoiceState.open), width="100%", align="center"),
        width="100%")


def _simple_dialogs() -> rx.Component:
    return rx.fragment(
        operation_dialog("rename", "Переименование абонента", rx.form(
            rx.vstack(field("Имя абонента", "name", default_value=CardState.name),
                      rx.button("Сохранить", type="submit", size="3", min_height=TOUCH), spacing="3"),
            on_submit=CardState.rename, reset_on_submit=False)),
        operation_dialog("activate", "Активация абонента", rx.vstack(
            rx.text("Активировать абонента ", CardState.number, "?"),
            rx.button("Активировать", size="3", min_height=TOUCH, on_click=CardState.activate))),
    )


@page(routes.SUBSCRIBER_CARD, "Карточка абонента · Личный кабинет", loads=[CardState.load])
def card_page() -> rx.Component:
    return frame(
        "Карточка абонента", CardState,
        rx.vstack(
            rx.cond(CardState.following > 0, rx.hstack(rx.spinner(), rx.text("Заявка выполняется…"))),
            _summary(),
            rx.grid(services_block(), rx.vstack(_tariff_block(), number_block(), width="100%"),
                    columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
            _simple_dialogs(), tariff_dialog(), forwarding_dialog(), number_dialog(), sim_dialog(),
            spacing="4", width="100%", padding_top="0.5em",
        ),
        above=(link("← К списку абонентов", routes.SUBSCRIBERS),),
    )
