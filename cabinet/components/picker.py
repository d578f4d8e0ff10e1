"""The subscriber picker: «Из списка лицевого счета» or «Загрузить файл xlsx»."""

from __future__ import annotations

import reflex as rx

from cabinet.components.forms import checkbox
from cabinet.components.layout import TOUCH, refusal
from cabinet.components.table import pager, simple_table, table_or_cards
from cabinet.state.format import text_limit
from cabinet.state.picker import MAX_UPLOAD_BYTES, PickerState

UPLOAD_ID = "subscribers_xlsx"


def _tick(row) -> rx.Component:
    return checkbox("Выбрать " + row.number, checked=PickerState.selected.contains(row.id) | PickerState.all_matching,
                    disabled=PickerState.all_matching, on_change=lambda v: PickerState.tick(row.id, v))


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(_tick(row), padding="0"),
        rx.table.cell(row.number),
        rx.table.cell(row.name),
        rx.table.cell(row.tariff),
        rx.table.cell(row.status),
        rx.table.cell(row.sim),
    )


def _card(row) -> rx.Component:
    """One subscriber on a tablet, where the table does not fit."""
    return rx.card(
        rx.hstack(_tick(row), rx.text(row.number, weight="bold"), rx.spacer(), rx.badge(row.status, size="2"),
                  align="center", wrap="wrap", width="100%"),
        rx.cond(row.name != "", rx.text(row.name)),
        rx.text("Тарифный план: ", row.tariff, size="2"),
        rx.text("SIM-карта: ", rx.cond(row.sim != "", row.sim, "нет"), size="2", style={"overflow_wrap": "anywhere"}),
        width="100%",
    )


def _from_list() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(name="search", placeholder="Номер или его часть, имя", default_value=PickerState.search,
                         size="3", min_height=TOUCH, flex="1", aria_label="Поиск абонента",
                         max_length=text_limit("search")),
                rx.button(rx.icon("search"), "Найти", type="submit", size="3", min_height=TOUCH),
                width="100%",
            ),
            on_submit=PickerState.find, reset_on_submit=False, width="100%",
        ),
        checkbox("Выбрать всех, кто подходит под поиск", rx.text("Выбрать всех, кто подходит под поиск: ",
                                                                  PickerState.total),
                 checked=PickerState.all_matching, on_change=PickerState.set_all_matching),
        table_or_cards(["", "Номер", "Имя", "Тарифный план", "Статус", "SIM-карта"], PickerState.rows, _row, _card,
                       label="Абоненты для выбора"),
        pager(PickerState.page, PickerState.pages, PickerState.go),
        rx.text("Выбрано абонентов: ", PickerState.chosen_count, weight="bold"),
        width="100%", spacing="3",
    )


def _why_refused(rejections: rx.Var):
    """The browser's reasons for refusing a file, as codes only: the rejections hold the file itself, which must
    never travel through the websocket."""
    return PickerState.rejected(rx.Var(f"{rejections}.flatMap((r) => r.errors.map((e) => e.code))").to(list[str]))


def _from_file() -> rx.Component:
    return rx.vstack(
        rx.text("Файл xlsx должен содержать только 12-значные номера абонентов в столбик.", size="2"),
        rx.upload(
            rx.vstack(
                rx.icon("upload", size=28),
                rx.text("Перетащите файл сюда или нажмите, чтобы выбрать"),
                align="center", padding="1.5em",
            ),
            id=UPLOAD_ID, accept={"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"]},
            max_files=1, multiple=False, max_size=MAX_UPLOAD_BYTES,
            on_drop=PickerState.upload(rx.upload_files(upload_id=UPLOAD_ID)), on_drop_rejected=_why_refused,
            border=f"2px dashed {rx.color('gray', 7)}", border_radius="8px", width="100%", cursor="pointer",
        ),
        rx.cond(PickerState.file_count > 0,
                rx.callout(PickerState.file_name + ": номеров " + PickerState.file_count.to_string() + ", все на этом лицевом счете.",
                           icon="check", color_scheme="green")),
        rx.cond(
            PickerState.file_errors.length() > 0,
            simple_table([("Строка", "row"), ("Значение", "value"), ("Причина", "reason")], PickerState.file_errors),
        ),
        width="100%", spacing="3",
    )


def subscriber_picker() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("Из списка лицевого счета", value="list"),
            rx.segmented_control.item("Загрузить файл xlsx", value="file"),
            value=PickerState.source, on_change=PickerState.set_source, size="3", min_height=TOUCH,
        ),
        rx.cond(PickerState.source == "list", _from_list(), _from_file()),
        refusal(PickerState.error),
        width="100%", spacing="3",
    )


def chosen_numbers() -> rx.Component:
    """The confirmation's list of whom it touches: the count and the first numbers, «и еще N»."""
    p = PickerState
    return rx.vstack(
        rx.text("Абонентов: ", rx.text.strong(p.preview_count), ". ", p.preview_first.join(", "),
                rx.cond(p.preview_more > 0, rx.text.span(" и еще ", p.preview_more)),
                size="2", data_testid="chosen-numbers"),
        rx.cond(p.preview_not_applicable > 0,
                rx.text("Из них в другом статусе: ", p.preview_not_applicable,
                        ". Для них операция будет отклонена с указанием причины, для остальных выполнена.",
                        size="2", weight="medium")),
        spacing="1",
    )
