"""What the page says while it has no connection to the server (a restart, a dropped network): in Russian, in
place of Reflex's English toast, until the page has reconnected by itself."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_too_many_connection_errors

RESTORING = "Нет связи с сервером. Соединение восстанавливается, страница продолжит работу сама."


def overlay() -> rx.Component:
    """A bar over the top of every page once two attempts to connect have failed (one is a blink, not news)."""
    return rx.cond(
        has_too_many_connection_errors,
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(RESTORING, size="2", weight="medium"),
            role="status",
            aria_live="polite",
            id="connection-lost",
            position="fixed",
            top="0",
            left="0",
            right="0",
            z_index="9999",
            justify="center",
            align="center",
            padding="8px 12px",
            background_color=rx.color("amber", 4),
            border_bottom=f"1px solid {rx.color('amber', 7)}",
        ),
    )
