"""The pieces of «Платежи», shared by the company's page and the SIP administrator's: the payments of a period,
the registration of a payment and the registrations made. `state` mixes in `state.payments.PaymentsView`."""

from __future__ import annotations

import reflex as rx

from cabinet.components.dialogs import confirm
from cabinet.components.forms import field
from cabinet.components.layout import TOUCH
from cabinet.components.table import simple_table


def payments_of_period(state, button: str = "Показать") -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.box(field("Начальная дата", "date_from", type="date", default_value=state.date_from,
                             key=state.date_from, on_change=state.retype_date_from, error=state.date_from_error),
                       max_width="320px"),
                rx.box(field("Конечная дата", "date_to", type="date", default_value=state.date_to,
                             key=state.date_to, on_change=state.retype_date_to, error=state.date_to_error),
                       max_width="320px"),
                # as far down as the fields' labels with their gap, so that it stands level with the fields
                rx.button(button, type="submit", size="3", min_height=TOUCH,
                          margin_top="calc(var(--line-height-2) + 0.25rem)"),
                align="start", spacing="3", wrap="wrap", width="100%",
            ),
            on_submit=state.show, reset_on_submit=False, width="100%",
        ),
        rx.text("Информация отображается за последние 12 месяцев.", size="2", color_scheme="gray"),
        rx.cond(
            state.count == 0,
            rx.callout("За выбранный период платежей нет.", icon="inbox"),
            rx.vstack(
                simple_table([("Дата", "date"), ("Сумма", "amount"), ("Способ", "method"),
                              ("Документ", "reference")], state.rows),
                rx.text("Итого: ", rx.text.strong(state.total), " (платежей: ", state.count, ")"),
                width="100%",
            ),
        ),
        spacing="3", width="100%",
    )


def registration_form(state, button: str) -> rx.Component:
    """The amount to register (checked before the confirmation, its refusal beside it), or why no registration is
    possible now; the confirmation says what will happen."""
    return rx.vstack(
        rx.cond(
            state.may_register,
            rx.vstack(rx.text(state.registration_note, size="2"), rx.form(
                rx.hstack(
                    rx.box(field("Сумма оплаты, BYN", "amount", default_value=state.default_amount,
                                 input_mode="decimal", key=state.default_amount, error=state.amount_error,
                                 on_change=state.retype_amount),
                           min_width="240px"),
                    rx.button(button, type="submit", size="3", min_height=TOUCH),
                    align="start", spacing="3", wrap="wrap",
                ),
                on_submit=state.ask_to_register, reset_on_submit=False,
            ), width="100%"),
            rx.callout(state.registration_note, icon="info", color_scheme="amber", high_contrast=True),
        ),
        confirm(state.confirming, state.set_confirming, f"{button}?", state.confirm_text, "Подтвердить",
                state.register),
        spacing="3", width="100%",
    )


def _registration_row(state, row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.at), rx.table.cell(row.amount), rx.table.cell(row.invoice), rx.table.cell(row.author),
        rx.table.cell(row.status),
        rx.table.cell(rx.cond(row.waiting, rx.hstack(
            rx.button("Изменить", variant="soft", size="2", min_height=TOUCH, min_width=TOUCH,
                      on_click=state.open_change(row.id)),
            rx.button("Отозвать", variant="soft", color_scheme="red", size="2", min_height=TOUCH, min_width=TOUCH,
                      on_click=state.ask_to_withdraw(row.id)),
            spacing="2", wrap="wrap",
        ))),
    )


def registrations(state) -> rx.Component:
    """The registrations made, with «Изменить» and «Отозвать» on those still waiting for the operator."""
    return rx.vstack(
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(caption) for caption in (
                "Зарегистрирована", "Сумма", "Счет", "Кто", "Состояние", "")])),
            rx.table.body(rx.foreach(state.registered, lambda row: _registration_row(state, row))),
            width="100%",
        ), overflow_x="auto", width="100%"),
        _change_dialog(state),
        confirm(state.withdrawing_id != "", state.close_withdraw, "Отозвать регистрацию оплаты?",
                state.withdraw_text, "Отозвать", state.withdraw),
        width="100%",
    )


def _change_dialog(state) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Изменить регистрацию оплаты"),
            rx.dialog.description("Новая сумма будет передана оператору вместо прежней.", size="2"),
            rx.form(
                rx.vstack(
                    field("Сумма оплаты, BYN", "amount", default_value=state.change_amount, input_mode="decimal",
                          key=state.changing_id, error=state.change_error, on_change=state.retype_change),
                    rx.hstack(
                        rx.dialog.close(rx.button("Отмена", variant="soft", type="button", min_height=TOUCH)),
                        rx.button("Сохранить", type="submit", min_height=TOUCH),
                        justify="end", spacing="3", width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=state.save_change, reset_on_submit=False,
            ),
        ),
        open=state.changing_id != "", on_open_change=state.close_change,
    )
