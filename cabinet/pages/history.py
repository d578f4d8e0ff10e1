"""«История заявок» (B6): every request of the account, filtered by type, status, period and author."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import field
from cabinet.components.layout import TOUCH, frame
from cabinet.components.select import select
from cabinet.components.table import cell_link, data_table, pager
from cabinet.pages.page import page
from cabinet.state.history import HistoryState as State

COLUMNS = [("Заявка", "id"), ("Тип", "kind"), ("Статус", "status"), ("Автор", "author"),
           ("Создана", "created"), ("Выполнена", "finished"), ("Обработано", "progress")]


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            select("Тип", "kind", State.kinds, empty="Все типы"),
            select("Статус", "status", State.statuses, empty="Все статусы"),
            field("С даты", "date_from", type="date"),
            field("По дату", "date_to", type="date"),
            select("Автор", "author_id", State.authors, empty="Все авторы"),
            rx.button(rx.icon("filter"), "Показать", type="submit", size="3", min_height=TOUCH),
            gap="0.75em", wrap="wrap", align="end", width="100%",
        ),
        on_submit=State.apply, reset_on_submit=False, width="100%",
    )


def _row(row) -> rx.Component:
    return rx.table.row(*[
        rx.table.cell(cell_link("№" + row.id, row.href) if key == "id" else getattr(row, key)) for _, key in COLUMNS
    ])


@page(routes.HISTORY, "История заявок · Личный кабинет", loads=[State.load])
def history_page() -> rx.Component:
    return frame(
        "История заявок", State,
        rx.cond(
            State.total == 0,
            rx.callout("Заявок нет. Здесь появится каждая заявка по этому лицевому счету.", icon="inbox"),
            rx.vstack(
                rx.text("Всего заявок: ", State.total, size="2", color_scheme="gray"),
                data_table([t for t, _ in COLUMNS], State.rows, _row),
                pager(State.page, State.pages, State.go),
                width="100%",
            ),
        ),
        above=(rx.box(_filters(), padding_bottom="1em"),),
    )
