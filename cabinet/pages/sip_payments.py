"""The SIP administrator's «Платежи»: «Информация по платежам» (P2), «История гарантийных обязательств» (P3),
«Регистрация платежей» (P4)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import TOUCH, frame, tabbed
from cabinet.components.payments import payments_of_period, registration_form, registrations
from cabinet.pages.page import page
from cabinet.state.payments import SipPaymentsState as State


def _guarantees() -> rx.Component:
    return rx.cond(
        State.registered.length() > 0,
        registrations(State),
        rx.vstack(
            rx.callout("Регистрация платежей ранее не производилась.", icon="inbox"),
            rx.text("Вы можете оставить запрос на рассмотрение отсрочки платежа.", size="2"),
            rx.button("Зарегистрировать платеж", size="3", min_height=TOUCH,
                      on_click=State.open_section("registration")),
            spacing="3",
        ),
    )


def _registration() -> rx.Component:
    return rx.vstack(
        rx.text("Если регулярный счет оплачен полностью, то регистрация оплаты не требуется. Если не оплачен — "
                "введите сумму платежа.", size="2"),
        registration_form(State, "Зарегистрировать платеж"),
        rx.text("* Только для клиентов, у которых срок действия договора составляет более трех месяцев.",
                size="1", color_scheme="gray"),
        spacing="3", width="100%",
    )


@page(routes.SIP_PAYMENTS, "Платежи · Личный кабинет SIP", guard="sip", loads=[State.load])
def sip_payments_page() -> rx.Component:
    return frame(
        "Платежи", State,
        tabbed(State.section, State.open_section, [
            ("Информация по платежам", "payments", payments_of_period(State, "Далее")),
            ("История гарантийных обязательств", "guarantees", _guarantees()),
            ("Регистрация платежей", "registration", _registration()),
        ]),
    )
