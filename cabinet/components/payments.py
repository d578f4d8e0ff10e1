"""The pieces of «Платежи», shared by the company's page and the SIP administrator's: the payments of a period,
the registration of a payment and the registrations made. `state` mixes in `state.payments.PaymentsView`."""

from __future__ import annotations

import reflex as rx

from cabinet.components.dialogs import confirm
from cabinet.components.forms import field
from cabinet.components.layout import TOUCH
from cabinet.components.table import simple_table


def payments_of_period(state, button: str = "Показать") -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                field("Начальная дата", "date_from", type="date", default_value=state.date_from, key=state.date_from),
                field("Конечная дата", "date_to", type="date", default_value=state.date_to, key=state.date_to),
                rx.button(button, type="submit", size="3", min_height=TOUCH),
                align="end", spacing="3", wrap="wrap", width="100%",
            ),
            on_submit=state.show, reset_on_submit=False, width="100%",
        ),
        rx.text("Информация отображается за последние 12 месяцев.", size="2", color_scheme="gray"),
        rx.cond(
            state.count == 0,
            rx.callout("За выбранный период платежей нет.", icon="inbox"),
            rx.vstack(
                simple_table([("Дата", "date"), ("Сумма", "amount"), ("Способ", "method"),
                              ("Документ", "reference")], state.rows),
                rx.text("Итого: ", rx.text.strong(state.total), " (платежей: ", state.count, ")"),
                width="100%",
            ),
        ),
        spacing="3", width="100%",
    )


def registration_form(state, button: str) -> rx.Component:
    """The amount to register, or why no registration is possible now; a confirmation before it is done."""
    return rx.vstack(
        rx.cond(
            state.may_register,
            rx.vstack(rx.text(state.registration_note, size="2"), rx.form(
                rx.hstack(
                    field("Сумма оплаты, BYN", "amount", default_value=state.default_amount, input_mode="decimal",
                          key=state.default_amount),
                    rx.button(button, type="submit", size="3", min_height=TOUCH),
                    align="end", spacing="3", wrap="wrap",
                ),
                on_submit=state.ask_to_register, reset_on_submit=False,
            ), width="100%"),
            rx.callout(state.registration_note, icon="info", color_scheme="amber"),
        ),
        confirm(state.confirming, state.set_confirming, f"{button}?",
                "Оплата будет зарегистрирована по последнему счету.", "Подтвердить", state.register),
        spacing="3", width="100%",
    )


def registrations(state) -> rx.Component:
    return simple_table([("Зарегистрирована", "at"), ("Сумма", "amount"), ("Счет", "invoice"), ("Кто", "author")],
                        state.registered)
