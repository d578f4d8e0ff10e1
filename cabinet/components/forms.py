"""Form parts sized for touch, labelled for screen readers and for the tests that read them."""

from __future__ import annotations

import reflex as rx
from reflex_components_radix.themes.components.checkbox import Checkbox

from cabinet.components.layout import TOUCH, ready
from cabinet.state.format import text_limit


def field(label: str, name: str, *, type: str = "text", placeholder: str = "", autocomplete: str = "off",
          input_mode: str | None = None, error=None, **props) -> rx.Component:
    """A labelled input; `error` (a var of text) is shown right under it while it is not empty."""
    if error is not None:
        props["aria_invalid"] = rx.cond(error != "", "true", "false")
        props["aria_describedby"] = f"{name}-error"
    return rx.el.label(
        rx.text(label, size="2", weight="medium"),
        rx.input(name=name, type=type, placeholder=placeholder, auto_complete=autocomplete, input_mode=input_mode,
                 size="3", width="100%", min_height=TOUCH, **{"max_length": text_limit(name), **props}),
        *([field_error(error, name)] if error is not None else []),
        display="flex", flex_direction="column", gap="0.25em", width="100%",
    )


def field_error(error, name: str) -> rx.Component:
    """A field's refusal, beside it, in red; read out when it appears."""
    return rx.cond(error != "", rx.text(error, id=f"{name}-error", size="2", color_scheme="red", role="alert",
                                        class_name="field-error"))


def checkbox(label, *text, **props) -> rx.Component:
    """A checkbox whose label is a 44 px tap target: `label` (text or a Var) is what a screen reader says, `text`
    what is shown beside it (none in a table's row, where the row says the rest); `props` go to the checkbox (its
    form `name`, `checked`, `on_change`…). Not `rx.checkbox`, which brings a label of its own: one in another
    leaves the box without a name."""
    return rx.el.label(
        Checkbox.create(size="3", aria_label=label, **props), *text,
        display="flex", gap="0.5em", align_items="center", min_height=TOUCH, min_width=TOUCH,
        justify_content="center" if not text else "flex-start", cursor="pointer",
    )


def radio(label, value, **props) -> rx.Component:
    """A choice of a radio group whose label is a 44 px tap target."""
    return rx.radio_group.item(label, value=value, min_height=TOUCH, **props)


def link(text: str, href: str | rx.Var, **props) -> rx.Component:
    """A link standing on its own line (not in running text): 44 px high, as every tap target."""
    return rx.link(text, href=href, display="inline-flex", align_items="center", min_height=TOUCH,
                   width="fit-content", **props)


def submit(label: str, **props) -> rx.Component:
    return rx.button(label, type="submit", size="3", min_height=TOUCH, width="100%", **props)


def centered_card(*children: rx.Component, shown=None) -> rx.Component:
    """The sign-in pages: one card in the middle of the screen; `shown` as for `layout.ready`."""
    return rx.center(
        rx.el.main(rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", size="3"),
                   style={"width": "100%", "max_width": "440px"}),
        min_height="100vh", padding="1em", background=rx.color("gray", 2), data_ready=ready(shown),
    )
