"""«Абоненты» (S1): search by number or SIM, filter by tariff and status, sort, page, «Выгрузка в Excel»."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import TOUCH, frame
from cabinet.components.select import select
from cabinet.components.table import data_table, pager
from cabinet.pages.page import page
from cabinet.state.format import text_limit
from cabinet.state.subscribers import SubscribersState as State

COLUMNS = [("Номер", "number"), ("Имя", "name"), ("Тарифный план", "tariff"), ("Статус", "status"),
           ("SIM-карта", "sim")]
WIDE_ONLY = {"tariff", "sim"}  # on a tablet the card holds these


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.label(
                rx.text("Поиск", size="2"),
                rx.input(name="search", placeholder="Номер, его часть или номер SIM-карты", size="3",
                         default_value=State.search, disabled=~State.opened, min_height=TOUCH, width="100%",
                         max_length=text_limit("search")),
                display="flex", flex_direction="column", gap="0.25em", flex="2", min_width="240px",
            ),
            select("Тарифный план", "tariff_id", State.tariffs, empty="Все тарифы"),
            select("Статус", "status", State.statuses, empty="Все статусы"),
            rx.button(rx.icon("search"), "Найти", type="submit", size="3", min_height=TOUCH, disabled=~State.opened),
            gap="0.75em", wrap="wrap", align="end", width="100%",
        ),
        on_submit=State.apply, reset_on_submit=False, width="100%",
    )


def _header(title: str, key: str) -> rx.Component:
    return rx.table.column_header_cell(
        rx.button(title, rx.cond(State.sort == key, rx.icon(rx.cond(State.descending, "arrow-down", "arrow-up"),
                                                          size=14)),
                  variant="ghost", on_click=State.sort_by(key), min_height=TOUCH),
        display=["none", "none", "none", "table-cell"] if key in WIDE_ONLY else None,
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        *[
            rx.table.cell(
                rx.link(row.number, href=row.href) if key == "number" else getattr(row, key),
                display=["none", "none", "none", "table-cell"] if key in WIDE_ONLY else None,
            )
            for _, key in COLUMNS
        ]
    )


def _export() -> rx.Component:
    return rx.hstack(
        rx.button(rx.icon("file-spreadsheet"), "Выгрузка в Excel", variant="soft", size="3", min_height=TOUCH,
                  on_click=State.export),
        rx.cond(State.export_request > 0,
                rx.hstack(rx.progress(value=State.export_percent, width="160px", aria_label="Ход выгрузки"),
                          rx.text(State.export_status, size="2"),
                          rx.cond(State.export_ready,
                                  rx.button("Скачать файл", size="3", min_height=TOUCH,
                                            on_click=State.download_export)),
                          align="center")),
        align="center", wrap="wrap", spacing="3",
    )


@page(routes.SUBSCRIBERS, "Абоненты · Личный кабинет", loads=[State.load])
def subscribers_page() -> rx.Component:
    return frame(
        "Абоненты", State,
        rx.hstack(rx.text("Найдено абонентов: ", rx.text.strong(State.total)), rx.spacer(), _export(),
                  width="100%", align="center", wrap="wrap"),
        rx.cond(
            State.total == 0,
            rx.callout("Абонентов по этому запросу нет. Измените поиск или фильтры.", icon="search-x"),
            rx.vstack(
                data_table([_header(t, k) for t, k in COLUMNS], State.rows, _row),
                pager(State.page, State.pages, State.go),
                width="100%",
            ),
        ),
        above=(rx.box(_filters(), padding_bottom="1em"),),
    )
