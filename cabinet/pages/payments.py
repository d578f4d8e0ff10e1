"""«Платежи»: payments of a period (C4) and the registration of a payment (C5)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.cards import loading
from cabinet.components.layout import info, refusal, shell
from cabinet.components.payments import payments_of_period, registration_form, registrations
from cabinet.state.payments import PaymentsState


def _registration() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Регистрация оплаты", size="4", as_="h2"),
            rx.text("Доступна до 10 числа следующего месяца при условии неоплаты только последнего регулярного счета.",
                    size="2", color_scheme="gray"),
            registration_form(PaymentsState, "Зарегистрировать оплату"),
            rx.cond(PaymentsState.registered.length() > 0, registrations(PaymentsState)),
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
                payments_of_period(PaymentsState),
                _registration(),
                refusal(PaymentsState.error),
                info(PaymentsState.done),
                spacing="4", width="100%",
            ),
        ),
    )
