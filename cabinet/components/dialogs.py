"""Confirmation before anything that cannot be taken back."""

from __future__ import annotations

import reflex as rx

from cabinet.components.layout import TOUCH


def confirm(open_var, on_open_change, title: str, text, action: str, on_confirm) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Отмена", variant="soft", min_height=TOUCH)),
                rx.alert_dialog.action(rx.button(action, min_height=TOUCH, on_click=on_confirm)),
                justify="end", spacing="3", padding_top="1em",
            ),
        ),
        open=open_var, on_open_change=on_open_change,
    )
