"""«Платежи»: payments of a period (C4) and the registration of a payment (C5)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import frame
from cabinet.components.payments import payments_of_period, registration_form, registrations
from cabinet.pages.page import page
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


@page(routes.PAYMENTS, "Платежи · Личный кабинет", loads=[PaymentsState.load])
def payments_page() -> rx.Component:
    return frame("Платежи", PaymentsState,
                 rx.vstack(payments_of_period(PaymentsState), _registration(), spacing="4", width="100%"))
