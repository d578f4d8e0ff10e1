"""«Абоненты» (S1): search by number or SIM, filter by tariff and status, sort, page, «Выгрузка в Excel»."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import TOUCH, frame
from cabinet.components.select import select
from cabinet.components.table import NARROW_CARDS, cell_link, pager, table_or_cards
from cabinet.pages.page import page
from cabinet.state.format import Option, text_limit
from cabinet.state.subscribers import SubscribersState as State

COLUMNS = [("Номер", "number"), ("Имя", "name"), ("Тарифный план", "tariff"), ("Статус", "status"),
           ("SIM-карта", "sim")]
SORTED_BY = [(title, key) for title, key in COLUMNS if key != "sim"]  # the columns the list sorts by


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
    if key not in dict(SORTED_BY).values():
        return rx.table.column_header_cell(title)
    return rx.table.column_header_cell(
        rx.button(title, rx.cond(State.sort == key, rx.icon(rx.cond(State.descending, "arrow-down", "arrow-up"),
                                                          size=14)),
                  variant="ghost", on_click=State.sort_by(key), min_height=TOUCH),
    )


def _row(row) -> rx.Component:
    return rx.table.row(*[rx.table.cell(cell_link(row.number, row.href) if key == "number" else getattr(row, key))
                          for _, key in COLUMNS])


def _card(row) -> rx.Component:
    """One subscriber on a tablet, where the table does not fit: the number opens the card."""
    return rx.card(
        rx.hstack(cell_link(row.number, row.href), rx.spacer(), rx.badge(row.status, size="2"),
                  align="center", wrap="wrap", width="100%"),
        rx.cond(row.name != "", rx.text(row.name, weight="medium")),
        rx.text("Тарифный план: ", row.tariff, size="2"),
        rx.text("SIM-карта: ", rx.cond(row.sim != "", row.sim, "нет"), size="2", style={"overflow_wrap": "anywhere"}),
        width="100%",
    )


def _sorting() -> rx.Component:
    """On a tablet, where the cards have no column headers: the sort as a choice and a direction."""
    return rx.hstack(
        select("Сортировка", "sort", [Option(value=key, label=title) for title, key in SORTED_BY], value=State.sort,
               on_change=State.sort_by),
        rx.button(rx.icon(rx.cond(State.descending, "arrow-down", "arrow-up")),
                  rx.cond(State.descending, "По убыванию", "По возрастанию"), variant="soft", size="3",
                  min_height=TOUCH, on_click=State.sort_by(State.sort)),
        align="end", wrap="wrap", display=NARROW_CARDS,
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
                _sorting(),
                table_or_cards([_header(t, k) for t, k in COLUMNS], State.rows, _row, _card, label="Абоненты"),
                pager(State.page, State.pages, State.go),
                width="100%",
            ),
        ),
        above=(rx.box(_filters(), padding_bottom="1em"),),
    )
