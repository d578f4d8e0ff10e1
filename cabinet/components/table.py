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


WIDE_TABLE = ["none", "none", "none", "none", "block"]  # from 1280 px: a desktop, not a tablet either way up
NARROW_CARDS = ["flex", "flex", "flex", "flex", "none"]


def cell_link(text, href) -> rx.Component:
    """A link in a table's cell (a row's number, a request's «№»): a whole 44×44 px tap target."""
    return rx.link(text, href=href, display="inline-flex", align_items="center", min_height=TOUCH, min_width=TOUCH)


def table_or_cards(headers: list, rows, row, card, *, label: str) -> rx.Component:
    """The rows as a table on a desktop, and as a list of cards (`card` renders one row) on a narrower screen,
    where the table would not fit: nothing scrolls sideways on a tablet. `label` names the list."""
    return rx.fragment(
        rx.box(data_table(headers, rows, row), display=WIDE_TABLE, width="100%"),
        rx.el.ul(rx.foreach(rows, lambda r: rx.el.li(card(r))), aria_label=label, display=NARROW_CARDS,
                 style={"flex_direction": "column", "gap": "0.5em", "list_style": "none", "padding": "0",
                        "margin": "0", "width": "100%"}),
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
