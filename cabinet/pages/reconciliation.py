"""«Акт сверки» (C7)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import field, link, radio
from cabinet.components.layout import TOUCH, frame, info
from cabinet.components.wizard import stepper
from cabinet.pages.page import page
from cabinet.state.reconciliation import ReconciliationState as State


def _period() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Выберите период (доступен период 3 года).", size="2"),
            rx.hstack(
                rx.box(field("Начало периода", "date_from", type="date", default_value=State.date_from,
                             on_change=State.set_date_from, error=State.date_from_error), max_width="320px"),
                rx.box(field("Конец периода", "date_to", type="date", default_value=State.date_to,
                             on_change=State.set_date_to, error=State.date_to_error), max_width="320px"),
                spacing="3", wrap="wrap", align="start",
            ),
            rx.button("Далее", type="submit", size="3", min_height=TOUCH),
            spacing="3",
        ),
        on_submit=State.next_step, reset_on_submit=False,
    )


def _address() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.vstack(
                    radio(rx.text("На адрес доставки счетов: ", State.delivery_emails), "delivery",
                                        disabled=State.delivery_emails == ""),
                    radio("На другой адрес", "other"),
                ),
                value=rx.cond(State.to_other, "other", "delivery"), on_change=State.set_to_other, size="3",
            ),
            rx.cond(State.to_other, field("Адрес электронной почты", "email", type="email", input_mode="email",
                                          on_change=State.set_email, error=State.email_error)),
            rx.text("Обработка заявки до 10 рабочих дней.", size="2", color_scheme="gray"),
            rx.hstack(
                rx.button("Назад", variant="soft", size="3", min_height=TOUCH, type="button", on_click=State.back),
                rx.button("Заказать акт сверки", type="submit", size="3", min_height=TOUCH),
            ),
            spacing="3",
        ),
        on_submit=State.order, reset_on_submit=False,
        no_validate=True,  # the address is checked by the cabinet, its refusal in Russian beside the field
    )


@page(routes.RECONCILIATION, "Акт сверки · Личный кабинет", loads=[State.load])
def reconciliation_page() -> rx.Component:
    return frame(
        "Акт сверки", State,
        rx.vstack(
            stepper(State.step, ["Период", "Адрес", "Заявка"]),
            rx.match(
                State.step,
                (1, _period()),
                (2, _address()),
                rx.vstack(info(State.done), link("Открыть «История заявок»", routes.HISTORY)),
            ),
            spacing="4", width="100%",
        ),
        done=False,  # the last step says it
    )
