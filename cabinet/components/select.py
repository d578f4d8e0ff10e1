"""A native select sized for touch: options are `state.format.Option` (value, label), held by the state (a Var) or
fixed by the page (a list)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.layout import TOUCH


def select(label: str, name: str, options, *, value=None, empty: str | None = None, **props) -> rx.Component:
    props.setdefault("aria_label", label)  # the name is the label alone, not the label and the chosen option
    return rx.el.label(
        rx.text(label, size="2"),
        rx.el.select(
            *([rx.el.option(empty, value="")] if empty is not None else []),
            *([rx.el.option(o.label, value=o.value) for o in options] if isinstance(options, list)
              else [rx.foreach(options, lambda o: rx.el.option(o.label, value=o.value))]),
            name=name, value=value, **props,
            style={"min_height": TOUCH, "padding": "0 0.5em", "border_radius": "6px",
                   "border": "1px solid var(--gray-7)", "background": "var(--color-panel-solid)"},
        ),
        display="flex", flex_direction="column", gap="0.25em",
    )
