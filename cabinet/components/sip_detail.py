"""«Детализация на E-mail» of the SIP administrator's «Счета» (P8)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.forms import checkbox
from cabinet.components.layout import TOUCH, info, refusal
from cabinet.components.select import select
from cabinet.state.sip_detail import SipDetailState as State


def _choose() -> rx.Component:
    return rx.vstack(
        rx.text("Детализация звонков за текущий или прошлый месяц.", size="2"),
        rx.hstack(
            select("Период", "month", State.months, value=State.month, on_change=State.set_month),
            select("Тип детализации", "layout", State.layouts, value=State.layout, on_change=State.set_layout),
            rx.button("Далее", size="3", min_height=TOUCH, on_click=State.next_step),
            align="end", spacing="3", wrap="wrap",
        ),
        spacing="3", width="100%",
    )


def _tick() -> rx.Component:
    return rx.vstack(
        rx.text("Отметьте абонента с тарифным планом «SIP-соединение».", size="2"),
        rx.foreach(State.connections, lambda c: checkbox(
            c.number, rx.text(c.number, " · ", c.name), checked=State.ticked == c.id,
            on_change=lambda v: State.tick(c.id, v))),
        rx.hstack(
            rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=State.back),
            rx.button("Сформировать детализацию", size="3", min_height=TOUCH, on_click=State.order),
        ),
        spacing="3", width="100%",
    )


def sip_detail() -> rx.Component:
    return rx.vstack(
        rx.cond(State.step == 1, _choose(), _tick()),
        refusal(State.error),
        info(State.done),
        spacing="3", width="100%",
    )
