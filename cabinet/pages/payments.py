"""«Платежи»: payments of a period (C4) and the registration of a payment (C5)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.cards import loading
from cabinet.components.dialogs import confirm
from cabinet.components.forms import field
from cabinet.components.layout import TOUCH, info, refusal, shell
from cabinet.components.table import simple_table
from cabinet.state.payments import PaymentsState


def _period_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            field("Начальная дата", "date_from", type="date", default_value=PaymentsState.date_from, key=PaymentsState.date_from),
            field("Конечная дата", "date_to", type="date", default_value=PaymentsState.date_to, key=PaymentsState.date_to),
            rx.button("Показать", type="submit", size="3", min_height=TOUCH),
            align="end", spacing="3", wrap="wrap", width="100%",
        ),
        on_submit=PaymentsState.show, reset_on_submit=False, width="100%",
    )


def _registration() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Регистрация оплаты", size="4", as_="h2"),
            rx.text("Доступна до 10 числа следующего месяца при условии неоплаты только последнего регулярного счета.",
                    size="2", color_scheme="gray"),
            rx.cond(
                PaymentsState.may_register,
                rx.vstack(rx.text(PaymentsState.registration_note, size="2"), rx.form(
                    rx.hstack(
                        field("Сумма оплаты, BYN", "amount", default_value=PaymentsState.default_amount,
                              input_mode="decimal", key=PaymentsState.default_amount),
                        rx.button("Зарегистрировать оплату", type="submit", size="3", min_height=TOUCH),
                        align="end", spacing="3", wrap="wrap",
                    ),
                    on_submit=PaymentsState.ask_to_register, reset_on_submit=False,
                ), width="100%"),
                rx.callout(PaymentsState.registration_note, icon="info", color_scheme="amber"),
            ),
            rx.cond(
                PaymentsState.registered.length() > 0,
                simple_table([("Зарегистрирована", "at"), ("Сумма", "amount"), ("Счет", "invoice"),
                              ("Кто", "author")], PaymentsState.registered),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def payments_page() -> rx.Component:
    return shell(
        "Платежи",
        loading(
            PaymentsState.loaded,
            rx.vstack(
                _period_form(),
                rx.cond(
                    PaymentsState.count == 0,
                    rx.callout("За выбранный период платежей нет.", icon="inbox"),
                    rx.vstack(
                        simple_table([("Дата", "date"), ("Сумма", "amount"), ("Способ", "method"),
                                      ("Документ", "reference")], PaymentsState.rows),
                        rx.text("Итого: ", rx.text.strong(PaymentsState.total), " (платежей: ",
                                PaymentsState.count, ")"),
                        width="100%",
                    ),
                ),
                _registration(),
                refusal(PaymentsState.error),
                info(PaymentsState.done),
                confirm(PaymentsState.confirming, PaymentsState.set_confirming, "Зарегистрировать оплату?",
                        "Оплата будет зарегистрирована по последнему счету.", "Подтвердить",
                        PaymentsState.register),
                spacing="4", width="100%",
            ),
        ),
    )
