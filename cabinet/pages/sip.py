"""The SIP administrator's first page: the SIP account's figures (P1)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.cards import figure, loading
from cabinet.components.layout import shell
from cabinet.state.home import HomeState


def sip_home_page() -> rx.Component:
    return shell(
        "Персональная информация",
        loading(
            HomeState.loaded,
            rx.text("Лицевой счет ", rx.text.strong(HomeState.number), " · ", HomeState.status,
                    padding_bottom="1em"),
            rx.grid(
                figure("Начисления за предыдущий месяц", HomeState.last_charges, hint=HomeState.last_period),
                figure("Текущий баланс", HomeState.balance),
                figure("Сумма счета к оплате", HomeState.amount_to_pay),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4", width="100%",
            ),
        ),
    )
