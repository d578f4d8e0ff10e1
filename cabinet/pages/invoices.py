"""«Счета»: send an invoice again (C2); the delivery address and format (C3)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import field_error, link, radio
from cabinet.components.layout import TOUCH, frame, info, refusal
from cabinet.pages.page import page
from cabinet.state.format import text_limit
from cabinet.state.invoices import InvoicesState


def _delivery_block() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading("Лицевой счет", size="4", as_="h2"),
            rx.spacer(),
            rx.icon_button(rx.icon("pencil"), variant="soft", size="3", on_click=InvoicesState.open_edit,
                           aria_label="Изменить адрес доставки и формат счета", min_height=TOUCH, min_width=TOUCH),
            width="100%", align="center",
        ),
        rx.text("Адрес доставки счетов: ",
                rx.cond(InvoicesState.emails.length() > 0, rx.text.strong(InvoicesState.emails.join(", ")),
                        rx.text.em("не указан"))),
        rx.text("Формат счета: ", rx.text.strong(InvoicesState.format_title)),
        info(InvoicesState.delivery_notice),
        width="100%",
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Адрес доставки и формат счета"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        rx.text("Адреса электронной почты (по одному в строке, до 5)", size="2"),
                        rx.text_area(name="emails", default_value=InvoicesState.draft_emails, rows="4",
                                     width="100%", max_length=text_limit("emails"),
                                     on_change=InvoicesState.retype_emails,
                                     aria_invalid=rx.cond(InvoicesState.emails_error != "", "true", "false"),
                                     aria_describedby="emails-error"),
                        field_error(InvoicesState.emails_error, "emails"),
                        display="flex", flex_direction="column", gap="0.25em", width="100%",
                    ),
                    rx.text("Формат счета", size="2"),
                    rx.radio_group.root(
                        rx.hstack(rx.foreach(InvoicesState.formats, lambda f: radio(f.label, f.value)),
                                  spacing="4"),
                        value=InvoicesState.draft_format, on_change=InvoicesState.set_draft_format, size="3",
                    ),
                    refusal(InvoicesState.edit_error),
                    rx.hstack(
                        rx.dialog.close(rx.button("Отмена", variant="soft", type="button", min_height=TOUCH)),
                        rx.button("Сохранить", type="submit", min_height=TOUCH),
                        justify="end", width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=InvoicesState.save_delivery, reset_on_submit=False,
            ),
        ),
        open=InvoicesState.editing, on_open_change=InvoicesState.set_editing,
    )


def _sent_before() -> rx.Component:
    """A second «Отправить счет»: when and where the invoice went, and «Отправить повторно»."""
    return rx.cond(
        InvoicesState.sent_before != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("mail-check")),
            rx.callout.text(InvoicesState.sent_before),
            rx.box(rx.button("Отправить повторно", size="3", min_height=TOUCH, on_click=InvoicesState.resend)),
            color_scheme="amber", high_contrast=True, role="status",
        ),
    )


@page(routes.INVOICES, "Счета · Личный кабинет", loads=[InvoicesState.load])
def invoices_page() -> rx.Component:
    return frame(
        "Счета", InvoicesState,
        rx.vstack(
            _delivery_block(),
            rx.cond(
                InvoicesState.invoices.length() == 0,
                rx.callout("Счетов по этому лицевому счету еще нет.", icon="inbox"),
                rx.card(
                    rx.vstack(
                        rx.heading("Повтор счета на E-mail", size="4", as_="h2"),
                        rx.el.label(
                            rx.text("Период", size="2"),
                            rx.el.select(
                                rx.foreach(InvoicesState.invoices, lambda i: rx.el.option(i.title, value=i.id)),
                                value=InvoicesState.invoice_id, on_change=InvoicesState.choose,
                                style={"min_height": TOUCH, "width": "100%", "max_width": "480px"},
                            ),
                            display="flex", flex_direction="column", gap="0.25em", width="100%",
                        ),
                        rx.button("Отправить счет", size="3", min_height=TOUCH, on_click=InvoicesState.send),
                        _sent_before(),
                        info(InvoicesState.done),
                        rx.cond(InvoicesState.done != "", link("Открыть «История заявок»", routes.HISTORY)),
                        spacing="3", width="100%",
                    ),
                    width="100%",
                ),
            ),
            _edit_dialog(),
            spacing="4", width="100%",
        ),
        done=False,  # shown in the card, by its link to «История заявок»
    )
