"""One request: live progress and the result for every subscriber (B6)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import link
from cabinet.components.layout import TOUCH, frame
from cabinet.components.table import pager, simple_table
from cabinet.components.wizard import progress
from cabinet.pages.page import page
from cabinet.state.request_page import RequestState as State


@page(routes.REQUEST, "Заявка · Личный кабинет", loads=[State.load])
def request_page() -> rx.Component:
    return frame(
        "Заявка", State,
        rx.vstack(
            rx.heading("№", State.request_id, " · ", State.kind, size="5", as_="h2"),
            rx.text("Статус: ", rx.text.strong(State.status), " · автор ", State.author, " · создана ",
                    State.created, rx.cond(State.finished != "", " · выполнена " + State.finished, "")),
            rx.cond(State.summary != "", rx.text(State.summary, size="2")),
            progress(State.percent, State.done_items, State.refused, State.waiting, State.following),
            rx.hstack(
                rx.spacer(),
                rx.button(rx.icon("file-spreadsheet"), "Выгрузить результаты в Excel", variant="soft", size="3",
                          min_height=TOUCH, on_click=State.export),
                width="100%", align="center", wrap="wrap",
            ),
            simple_table([("Номер", "number"), ("Статус", "status"), ("Результат", "result"),
                          ("Обработан", "processed")], State.items),
            pager(State.page, State.pages, State.go),
            spacing="3", width="100%",
        ),
        above=(link("← «История заявок»", routes.HISTORY),),
    )
