"""«Абоненты» (S1): search by number or SIM, filter by tariff and status, sort, page, «Выгрузка в Excel»."""

from __future__ import annotations

import reflex as rx

from cabinet.components.cards import loading
from cabinet.components.layout import TOUCH, info, refusal, shell
from cabinet.components.select import select
from cabinet.components.table import pager
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
                         default_value=State.search, min_height=TOUCH, width="100%"),
                display="flex", flex_direction="column", gap="0.25em", flex="2", min_width="240px",
            ),
            select("Тарифный план", "tariff_id", State.tariffs, empty="Все тарифы"),
            select("Статус", "status", State.statuses, empty="Все статусы"),
            rx.button(rx.icon("search"), "Найти", type="submit", size="3", min_height=TOUCH),
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
                rx.link(row[key], href=row["href"]) if key == "number" else row[key],
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


def subscribers_page() -> rx.Component:
    return shell(
        "Абоненты",
        rx.vstack(
            _filters(),
            loading(
                State.loaded,
                rx.hstack(rx.text("Найдено абонентов: ", rx.text.strong(State.total)), rx.spacer(), _export(),
                          width="100%", align="center", wrap="wrap"),
                rx.cond(
                    State.total == 0,
                    rx.callout("Абонентов по этому запросу нет. Измените поиск или фильтры.", icon="search-x"),
                    rx.vstack(
                        rx.box(
                            rx.table.root(
                                rx.table.header(rx.table.row(*[_header(t, k) for t, k in COLUMNS])),
                                rx.table.body(rx.foreach(State.rows, _row)),
                                width="100%",
                            ),
                            overflow_x="auto", width="100%",
                        ),
                        pager(State.page, State.pages, State.go),
                        width="100%",
                    ),
                ),
            ),
            refusal(State.error),
            info(State.done),
            spacing="4", width="100%",
        ),
    )
