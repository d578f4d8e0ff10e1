"""The pieces of a list-operation wizard: its steps, the sections of «Операции со списком абонентов», the
confirmation, and the last step with the request's live progress."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.cards import figure
from cabinet.components.forms import link
from cabinet.components.layout import TOUCH, info
from cabinet.state.wizard import ProgressState

BULK_TITLE = "Операции со списком абонентов · Личный кабинет"  # the pages' titles end with it
SECTIONS = [("Услуги", routes.BULK), ("Изменение тарифа", routes.BULK_TARIFF),
            ("Операции с абонентом", routes.BULK_OPERATIONS)]


def stepper(current, titles: list[str]) -> rx.Component:
    return rx.hstack(
        *[
            rx.badge(f"{number}. {title}", size="2", high_contrast=True,  # soft accent text is under 4.5:1
                     variant=rx.cond(current == number, "solid", "soft"),
                     color_scheme=rx.cond(current > number, "green", "indigo"))
            for number, title in enumerate(titles, start=1)
        ],
        wrap="wrap", spacing="2",
    )


def sections(current: str) -> rx.Component:
    """The three sections of the manual's block, the open one marked."""
    return rx.flex(
        *[rx.link(rx.button(title, size="3", min_height=TOUCH, variant="solid" if href == current else "soft",
                            tab_index=-1),
                  href=href, aria_current="page" if href == current else None)
          for title, href in SECTIONS],
        gap="0.5em", wrap="wrap", role="navigation", aria_label="Разделы операций со списком",
    )


def confirmation(question: rx.Component, back, confirm, *, danger=False) -> rx.Component:
    """The review step's question with «Назад» and «Подтвердить»; `danger` (a bool or a Var) for what cannot be
    undone."""
    return rx.vstack(
        rx.callout(question, icon="triangle-alert", color_scheme=rx.cond(danger, "red", "indigo")),
        rx.hstack(
            rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=back),
            rx.button("Подтвердить", size="3", min_height=TOUCH, on_click=confirm),
        ),
        spacing="3", width="100%",
    )


def progress(percent, done, refused, waiting, following) -> rx.Component:
    """A request's progress bar and counts, as they move while the worker runs."""
    return rx.vstack(
        rx.progress(value=percent, aria_label="Ход выполнения заявки"),
        rx.grid(
            figure("Выполнено", done),
            figure("Отказано", refused),
            figure("Ожидают", waiting),
            columns="3", spacing="3", width="100%",
        ),
        rx.cond(following, rx.hstack(rx.spinner(), rx.text("Заявка выполняется…", size="2"))),
        spacing="3", width="100%",
    )


def ordered(state) -> rx.Component:
    """The last step: the confirmation, the request's live progress, a link to its results, a new draft."""
    p = ProgressState
    return rx.vstack(
        info(state.done),
        rx.cond(p.status != "", rx.text("Статус: ", rx.text.strong(p.status))),
        progress(p.percent, p.done_items, p.refused, p.waiting, p.following),
        rx.hstack(
            link("Открыть заявку и ее ход", state.request_href),
            rx.spacer(),
            rx.button("Новая операция", variant="soft", size="3", min_height=TOUCH, on_click=state.again),
            width="100%", align="center", wrap="wrap",
        ),
        spacing="3", width="100%",
    )
