"""«История заявок» (B6, first part): the account's requests, newest first."""

from __future__ import annotations

import reflex as rx

from cabinet.components.cards import loading
from cabinet.components.layout import shell
from cabinet.components.table import pager, simple_table
from cabinet.state.history import HistoryState

COLUMNS = [("Заявка", "id"), ("Тип", "kind"), ("Статус", "status"), ("Автор", "author"),
           ("Создана", "created"), ("Выполнена", "finished"), ("Обработано", "progress")]


def history_page() -> rx.Component:
    return shell(
        "История заявок",
        loading(
            HistoryState.loaded,
            rx.cond(
                HistoryState.total == 0,
                rx.callout("Заявок пока нет. Здесь появится каждая заявка по этому лицевому счету.", icon="inbox"),
                rx.vstack(
                    rx.text("Всего заявок: ", HistoryState.total, size="2", color_scheme="gray"),
                    simple_table(COLUMNS, HistoryState.rows),
                    pager(HistoryState.page, HistoryState.pages, HistoryState.go),
                    width="100%",
                ),
            ),
        ),
    )
