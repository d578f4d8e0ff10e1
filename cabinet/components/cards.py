"""Figure cards for the main pages."""

from __future__ import annotations

import reflex as rx


def figure(label: str, value, *, hint=None, color_scheme: str | None = None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.text(value, size="7", weight="bold", color_scheme=color_scheme),
            *([rx.text(hint, size="2", color_scheme="gray")] if hint is not None else []),
            spacing="1",
        ),
        width="100%",
    )

