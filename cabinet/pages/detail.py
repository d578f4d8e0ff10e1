"""«Детализация на Email» (C6): «Далее» → tick → «Продолжить» → confirm."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import field_error, link, radio
from cabinet.components.layout import TOUCH, frame, info
from cabinet.components.picker import subscriber_picker
from cabinet.components.wizard import stepper
from cabinet.pages.page import page
from cabinet.state.detail import DetailState


def _period_step() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.text("Период: год и месяц (доступен период 3 года)", size="2"),
            rx.el.select(rx.foreach(DetailState.periods, lambda p: rx.el.option(p.label, value=p.value)),
                         value=DetailState.period, on_change=DetailState.set_period, id="period",
                         aria_describedby="period-error",
                         style={"min_height": TOUCH, "max_width": "320px"}),
            field_error(DetailState.period_error, "period"),
            display="flex", flex_direction="column", gap="0.25em",
        ),
        rx.text("Вид файла", size="2"),
        rx.radio_group.root(
            rx.vstack(radio("Отдельный лист на каждого абонента", "sheet_per_subscriber"),
                      radio("Один лист со столбцом «Номер абонента»", "single_sheet")),
            value=DetailState.layout, on_change=DetailState.set_layout, size="3",
        ),
        rx.button("Далее", size="3", min_height=TOUCH, on_click=DetailState.go_to(2)),
        spacing="3",
    )


def _confirm_step() -> rx.Component:
    return rx.vstack(
        rx.callout(DetailState.summary, icon="mail"),
        rx.text("Детализация будет отправлена на адрес электронной почты, указанный для доставки счетов."),
        rx.hstack(
            rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=DetailState.go_to(2)),
            rx.button("Подтвердить", size="3", min_height=TOUCH, on_click=DetailState.confirm),
        ),
        spacing="3",
    )


@page(routes.CALL_DETAIL, "Детализация на Email · Личный кабинет", loads=[DetailState.load])
def detail_page() -> rx.Component:
    return frame(
        "Детализация на Email", DetailState,
        rx.vstack(
            stepper(DetailState.step, ["Период", "Абоненты", "Подтверждение"]),
            rx.match(
                DetailState.step,
                (1, _period_step()),
                (2, rx.vstack(
                    subscriber_picker(),
                    rx.hstack(
                        rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=DetailState.go_to(1)),
                        rx.button("Продолжить", size="3", min_height=TOUCH, on_click=DetailState.review),
                    ),
                    width="100%", spacing="3",
                )),
                (3, _confirm_step()),
                rx.vstack(info(DetailState.done), link("Открыть «История заявок»", routes.HISTORY)),
            ),
            spacing="4", width="100%",
        ),
        done=False,  # the last step says it
    )
