"""«Переименование» (B3): the chosen subscribers' names edited in place, each applied only after its ✓."""

from __future__ import annotations

import reflex as rx

from cabinet.components.forms import field_error
from cabinet.components.layout import TOUCH, refusal
from cabinet.components.table import data_table, pager
from cabinet.components.wizard import confirmation, ordered, stepper
from cabinet.state.bulk_rename import BulkRenameState as State


def _name_field(row) -> rx.Component:
    # The row's id travels in the form itself: a form's submit handler cannot see the loop's variables.
    name = "name-" + row.id
    return rx.form(
        rx.el.input(type="hidden", name="id", value=row.id),
        rx.hstack(
            rx.input(name="name", default_value=rx.cond(row.new != "", row.new, row.name),
                     aria_label="Новое имя " + row.number, size="3", min_height=TOUCH, flex="1",
                     max_length=100, on_blur=lambda text: State.draft(row.id, text),
                     on_change=lambda text: State.retype_name(row.id, text),
                     aria_invalid=rx.cond(row.error != "", "true", "false"), aria_describedby=name + "-error"),
            rx.icon_button(rx.icon("check"), type="submit", size="3", min_height=TOUCH, min_width=TOUCH,
                           variant="soft", aria_label="Подтвердить имя " + row.number),
            rx.cond(row.new != "",
                    rx.icon("circle-check", color=rx.color("green", 9), aria_label="Подтверждено " + row.number,
                            role="img")),
            align="center", width="100%",
        ),
        field_error(row.error, name),
        on_submit=State.confirm_name, reset_on_submit=False, width="100%",
    )


def _names() -> rx.Component:
    return rx.vstack(
        rx.text("Измените имена и нажмите ✓ рядом с каждым измененным полем. Изменения без ✓ не применяются.",
                size="2"),
        data_table(["Номер", "Имя"], State.rows, lambda row: rx.table.row(
            rx.table.cell(row.number), rx.table.cell(_name_field(row), min_width="16em"), key=row.id)),
        pager(State.page, State.pages, State.go),
        rx.text("Подтверждено имен: ", State.renamed, weight="bold"),
        rx.hstack(
            rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=State.back),
            rx.button("Продолжить", size="3", min_height=TOUCH, on_click=State.review),
        ),
        width="100%", spacing="3",
    )


def _question() -> rx.Component:
    return rx.vstack(
        rx.text("Переименовать абонентов: ", State.renamed, "?"),
        rx.cond(State.dropped.length() > 0,
                rx.text("Изменения не подтверждены значком ✓ и не будут применены: ",
                        State.dropped.join(", "), ".")),
        spacing="1",
    )


def rename_stepper() -> rx.Component:
    return stepper(State.step, ["Абоненты", "Имена", "Подтверждение", "Заявка"])


def rename_steps() -> rx.Component:
    """The steps after the choice (its picker is the page's, shared with the other tabs): the names, the
    confirmation, the request."""
    return rx.vstack(
        rx.match(
            State.step,
            (2, _names()),
            (3, confirmation(_question(), State.to_edit, State.confirm)),
            (4, ordered(State)),
            rx.fragment(),
        ),
        refusal(State.error),
        spacing="4", width="100%",
    )
