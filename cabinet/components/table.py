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


def simple_table(columns: list[tuple[str, str]], rows) -> rx.Component:
    """A table of the rows the state holds (already one page), scrolling sideways on a narrow screen."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(title) for title, _ in columns])),
            rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(row[key]) for _, key in columns]))),
            width="100%",
        ),
        overflow_x="auto", width="100%",
    )
