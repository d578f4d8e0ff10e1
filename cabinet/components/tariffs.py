"""The offered tariffs as cards: «Подробнее» opens one, with its description and the service set to tick."""

from __future__ import annotations

import reflex as rx

from cabinet.components.forms import checkbox
from cabinet.components.layout import TOUCH


def tariff_choice(state, action: rx.Component | None = None) -> rx.Component:
    """`state` mixes in `card_ops.TariffPick`; `action` is shown under the chosen tariff's service set."""

    def option(t):
        picked = state.chosen == t.id
        return rx.card(
            rx.hstack(rx.cond(picked, rx.icon("circle-check", color=rx.color("accent", 11), aria_hidden="true")),
                      rx.text(t.name, weight="bold"), rx.spacer(), rx.text(t.fee, " в месяц"), align="center"),
            rx.cond(picked,
                    rx.vstack(
                        rx.button(rx.icon("check"), "Выбран", size="3", min_height=TOUCH, aria_pressed="true",
                                  aria_label="Выбран: " + t.name, on_click=state.choose(t.id)),
                        rx.text(t.description, size="2"),
                        rx.text("Смена тарифа: ", t.switch_fee, size="2"),
                        rx.text("Набор услуг", weight="bold", size="2"),
                        rx.foreach(t.services, lambda s: checkbox(
                            s.name, rx.text(s.name, " · ", s.fee), checked=s.included | state.services.contains(s.id),
                            disabled=s.included, on_change=lambda v: state.tick(s.id, v))),
                        *([action] if action is not None else []),
                        spacing="2"),
                    rx.button("Подробнее", variant="soft", size="3", min_height=TOUCH, aria_pressed="false",
                              aria_label="Подробнее: " + t.name, on_click=state.choose(t.id))),
            width="100%", data_selected=rx.cond(picked, "true", "false"),
            border=rx.cond(picked, f"2px solid {rx.color('accent', 9)}", "2px solid transparent"),
            background=rx.cond(picked, rx.color("accent", 2), "transparent"))

    return rx.vstack(rx.foreach(state.tariffs, option), width="100%")
