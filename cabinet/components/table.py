"""Server-side paging controls for tables: the state holds one page, these ask it for another."""

from __future__ import annotations

import reflex as rx

from cabinet.components.layout import TOUCH


def pager(page, pages, go) -> rx.Component:
    return rx.hstack(
        rx.button(rx.icon("chevron-left"), "Назад", variant="soft", min_height=TOUCH,
                  disabled=page <= 1, on_click=go(page - 1)),
        rx.text("Страница ", page, " из ", pages, size="2"),
        rx.button("Вперед", rx.icon("chevron-right"), variant="soft", min_height=TOUCH,
                  disabled=page >= pages, on_click=go(page + 1)),
        align="center", spacing="3",
    )
