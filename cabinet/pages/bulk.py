"""«Операции со списком абонентов» → «Операции с абонентом»: «Переименование» (B3), «Активация» (B4),
«Прекращение обслуживания» (B5)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import TAB_STRIP, TOUCH, frame
from cabinet.components.picker import chosen_numbers, subscriber_picker
from cabinet.components.rename import rename_stepper, rename_steps
from cabinet.components.wizard import BULK_TITLE, confirmation, ordered, sections, stepper
from cabinet.pages.page import page
from cabinet.state.bulk import BulkState as State
from cabinet.state.bulk_rename import BulkRenameState as Rename


def _termination() -> rx.Component:
    """B5's confirmation window: whom it ends, in red; over TYPED_COUNT_OVER the count must be typed first."""
    return rx.vstack(
        rx.callout(
            rx.vstack(
                rx.text("Прекратить обслуживание выбранных абонентов: ", rx.text.strong(State.count),
                        "? Статус абонентов будет изменен, SIM-карты перестанут работать. Отменить это нельзя."),
                chosen_numbers(), spacing="1"),
            icon="triangle-alert", color_scheme="red"),
        rx.cond(State.count_to_type, rx.el.label(
            rx.text("Для подтверждения введите число абонентов: ", State.count, size="2", weight="medium"),
            rx.input(value=State.typed, on_change=State.set_typed, input_mode="numeric", auto_complete="off",
                     size="3", min_height=TOUCH, max_length=12, aria_label="Число абонентов для подтверждения"),
            display="flex", flex_direction="column", gap="0.25em", max_width="360px")),
        rx.hstack(
            rx.button("Назад", variant="soft", size="3", min_height=TOUCH, on_click=State.back),
            rx.button("Подтвердить", color_scheme="red", high_contrast=True, size="3", min_height=TOUCH,
                      disabled=State.count_to_type & ~State.typed_matches, on_click=State.confirm),
        ),
        spacing="3", width="100%",
    )


def _choose() -> rx.Component:
    """Step 1 of every tab: one picker, kept on the page while the tab changes (what was typed in its search stays
    where it was typed)."""
    return rx.vstack(
        rx.match(State.tab,
                 ("activation", rx.text("Новые неактивные абоненты. Отметьте тех, кого нужно активировать.", size="2")),
                 ("termination", rx.text("Активные абоненты. Отметьте тех, по которым прекращается обслуживание.",
                                         size="2")),
                 rx.fragment()),
        subscriber_picker(),
        rx.cond(State.tab == "rename",
                rx.button("Продолжить", size="3", min_height=TOUCH, on_click=Rename.to_names),
                rx.button("Продолжить", size="3", min_height=TOUCH, on_click=State.review)),
        width="100%", spacing="3",
    )


def _status_steps() -> rx.Component:
    return rx.match(
        State.step,
        (2, rx.cond(State.tab == "activation",
                    confirmation(rx.vstack(rx.text("Активировать выбранных абонентов: ", State.count, "?"),
                                           chosen_numbers(), spacing="1"), State.back, State.confirm),
                    _termination())),
        (3, ordered(State)),
        rx.fragment(),
    )


@page(routes.BULK_OPERATIONS, f"Операции с абонентом · {BULK_TITLE}", loads=[State.load])
def bulk_page() -> rx.Component:
    return frame(
        "Операции со списком абонентов", State,
        rx.vstack(
            rx.tabs.root(
                rx.tabs.list(rx.tabs.trigger("Переименование", value="rename", min_height=TOUCH),
                             rx.tabs.trigger("Активация", value="activation", min_height=TOUCH),
                             rx.tabs.trigger("Прекращение обслуживания", value="termination", min_height=TOUCH),
                             style=TAB_STRIP),
                # one panel, always the open tab's (its triggers' aria-controls name it), never remounted
                rx.tabs.content(
                    rx.vstack(
                        rx.cond(State.tab == "rename", rename_stepper(),
                                stepper(State.step, ["Абоненты", "Подтверждение", "Заявка"])),
                        rx.cond(rx.cond(State.tab == "rename", Rename.step == 1, State.step == 1), _choose()),
                        rx.cond(State.tab == "rename", rename_steps(), _status_steps()),
                        spacing="4", width="100%",
                    ),
                    value=State.tab, padding_top="1em",
                ),
                value=State.tab, on_change=State.set_tab, width="100%",
            ),
            spacing="4", width="100%",
        ),
        above=(rx.box(sections(routes.BULK_OPERATIONS), padding_bottom="1em"),),
        done=False,  # the last step says it
    )
