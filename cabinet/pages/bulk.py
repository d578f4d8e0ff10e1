"""«Операции со списком абонентов»: the «Активация» and «Прекращение обслуживания» tabs (B4, B5)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.layout import TOUCH, info, refusal, shell
from cabinet.components.picker import subscriber_picker
from cabinet.components.wizard import stepper
from cabinet.state.bulk import BulkState as State


def _confirm() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.tab == "activation",
            rx.callout(rx.text("Активировать выбранных абонентов: ", State.chosen, "?"), icon="circle-check"),
            rx.callout(rx.text("Прекратить обслуживание выбранных абонентов: ", State.chosen,
                               "? Статус абонентов будет изменен, SIM-карты перестанут работать."),
                       icon="triangle-alert", color_scheme="red"),
        ),
        rx.hstack(
            rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=State.back),
            rx.button("Подтвердить", size="3", min_height=TOUCH, on_click=State.confirm),
        ),
        spacing="3",
    )


def bulk_page() -> rx.Component:
    return shell(
        "Операции со списком абонентов",
        rx.vstack(
            rx.tabs.root(
                rx.tabs.list(rx.tabs.trigger("Активация", value="activation", min_height=TOUCH),
                             rx.tabs.trigger("Прекращение обслуживания", value="termination", min_height=TOUCH)),
                value=State.tab, on_change=State.set_tab, width="100%",
            ),
            stepper(State.step, ["Абоненты", "Подтверждение", "Заявка"]),
            rx.match(
                State.step,
                (1, rx.vstack(
                    rx.cond(State.tab == "activation",
                            rx.text("Новые неактивные абоненты. Отметьте тех, кого нужно активировать.", size="2"),
                            rx.text("Активные абоненты. Отметьте тех, по которым прекращается обслуживание.",
                                    size="2")),
                    subscriber_picker(),
                    rx.button("Продолжить", size="3", min_height=TOUCH, on_click=State.review),
                    width="100%", spacing="3")),
                (2, _confirm()),
                rx.vstack(info(State.done), rx.link("Открыть заявку и ее ход", href=State.request_href)),
            ),
            refusal(State.error),
            spacing="4", width="100%",
        ),
    )
