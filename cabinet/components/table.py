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


def data_table(headers: list, rows, row) -> rx.Component:
    """A table of the rows the state holds (one page): `headers` are the column titles (text or header cells),
    `row` renders one row; scrolling sideways on a narrow screen."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) if isinstance(h, str) else h
                                           for h in headers])),
            rx.table.body(rx.foreach(rows, row)),
            width="100%",
        ),
        overflow_x="auto", width="100%",
    )


def simple_table(columns: list[tuple[str, str]], rows) -> rx.Component:
    """A table of the rows the state holds (already one page, dataclass rows: `key` names a field), scrolling
    sideways on a narrow screen."""
    return data_table([title for title, _ in columns], rows,
                      lambda row: rx.table.row(*[rx.table.cell(getattr(row, key)) for _, key in columns]))
