"""The SIP administrator's first page: «Персональная информация» (P1)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.cards import figure
from cabinet.components.layout import frame
from cabinet.pages.page import page
from cabinet.state.sip_home import SipHomeState as State


def _block(title: str, rows) -> rx.Component:
    return rx.card(
        rx.heading(title, size="4", as_="h2", padding_bottom="0.5em"),
        rx.foreach(rows, lambda r: rx.hstack(rx.text(r.label, color_scheme="gray", min_width="12em"),
                                             rx.text(r.value, weight="medium"), wrap="wrap", padding_y="0.2em")),
        width="100%",
    )


@page(routes.SIP_HOME, "Личный кабинет SIP", guard="sip", loads=[State.load])
def sip_home_page() -> rx.Component:
    return frame(
        "Персональная информация", State,
        rx.grid(
            figure("Начисления за " + State.last_period, State.last_charges),
            figure("Текущий баланс", State.balance),
            figure("Сумма счета к оплате", State.amount_to_pay),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%",
        ),
        rx.grid(_block("Реквизиты", State.requisites), _block("Лицевой счет", State.account),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%", padding_top="1em"),
    )
