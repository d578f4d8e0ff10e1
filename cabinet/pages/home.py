"""C1: the main page of the Administrator and the Supervisor."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.cards import figure
from cabinet.components.charts import charges_by_month, top_subscribers
from cabinet.components.layout import frame
from cabinet.pages.page import page
from cabinet.state.home import HomeState


@page(routes.HOME, "Главная · Личный кабинет", loads=[HomeState.load])
def home_page() -> rx.Component:
    return frame(
        "Главная", HomeState,
        rx.text("Лицевой счет ", rx.text.strong(HomeState.number), " · ", HomeState.kind_title, " · ",
                HomeState.status, padding_bottom="1em"),
        rx.grid(
            figure("Начисления за " + HomeState.last_period.lower(), HomeState.last_charges),
            rx.cond(HomeState.balance_negative, figure("Баланс", HomeState.balance, color_scheme="red"),
                    figure("Баланс", HomeState.balance, color_scheme="green")),
            figure("Сумма к оплате", HomeState.amount_to_pay,
                   hint=rx.cond(HomeState.due_on != "", "Оплатить до " + HomeState.due_on, "Счета оплачены")),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4", width="100%",
        ),
        rx.cond(
            HomeState.by_month.length() > 0,
            rx.grid(
                rx.card(rx.heading("Начисления по месяцам", size="3", as_="h2"), charges_by_month(HomeState.by_month, HomeState.by_month_axis)),
                rx.card(rx.heading("Десять абонентов с наибольшими начислениями", size="3", as_="h2"),
                        top_subscribers(HomeState.top)),
                columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%", padding_top="1em",
            ),
        ),
    )
