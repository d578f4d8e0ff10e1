"""Sections whose features arrive in the next releases: the navigation already shows where they will be."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import shell


def pending_page(title: str) -> rx.Component:
    return shell(
        title,
        rx.callout(
            f"Раздел «{title}» откроется в ближайшем обновлении Личного кабинета. "
            "До этого обратитесь к вашему менеджеру.",
            icon="clock",
        ),
        rx.link("На главную", href=routes.HOME),
    )


SIP_PENDING = {
    routes.SIP_SUBSCRIBERS: "Выбор SIP-абонента",
}
