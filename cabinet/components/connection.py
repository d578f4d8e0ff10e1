"""What the page says, in Russian in place of Reflex's English, when it cannot go on: while it has no connection to
the server (a restart, a dropped network), until it has reconnected by itself; and when it failed to render."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.base.error_boundary import ErrorBoundary
from reflex_components_core.core.banner import has_too_many_connection_errors

RESTORING = "Нет связи с сервером. Соединение восстанавливается, страница продолжит работу сама."
NOT_RENDERED = ("Страницу не удалось показать из-за ошибки в Личном кабинете. Обновите страницу; если ошибка "
                "повторится, сообщите о ней в службу поддержки.")


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


def render_failure(*children: rx.Component, **props) -> rx.Component:
    """The boundary around every page: a page that fails to render says so, with a way to load it again."""
    fallback = rx.center(
        rx.vstack(
            rx.heading("Страница не отобразилась", size="5", as_="h1"),
            rx.text(NOT_RENDERED),
            rx.button("Обновить страницу", size="3", min_height="44px",
                      on_click=rx.call_script("window.location.reload()")),
            spacing="3", max_width="36em", padding="2em",
        ),
        min_height="60vh",
    )
    return ErrorBoundary.create(*children, fallback_render=fallback, **props)
