"""Confirming a new delivery address by the link mailed to it (C3, P7); open without signing in."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import centered_card, link, submit
from cabinet.components.layout import info, refusal
from cabinet.pages.page import page
from cabinet.state.confirm_address import ConfirmAddressState as State


@page(routes.CONFIRM_ADDRESS, "Подтверждение адреса · Личный кабинет", guard=None, loads=[State.load])
def confirm_address_page() -> rx.Component:
    return centered_card(
        rx.heading("Подтверждение адреса доставки счетов", size="6", as_="h1"),
        rx.cond(State.loaded, rx.fragment(
            rx.cond(State.asked != "", rx.vstack(rx.text(State.asked), submit("Подтвердить адрес",
                                                                            on_click=State.confirm), width="100%")),
            info(State.confirmed), refusal(State.error)),
                rx.text("Проверяем ссылку…")),
        link("Перейти в Личный кабинет", routes.LOGIN),
        shown=State.loaded,
    )
