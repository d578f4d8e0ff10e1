"""A wizard's steps shown as a row of numbered labels."""

from __future__ import annotations

import reflex as rx


def stepper(current, titles: list[str]) -> rx.Component:
    return rx.hstack(
        *[
            rx.badge(f"{number}. {title}", size="2",
                     variant=rx.cond(current == number, "solid", "soft"),
                     color_scheme=rx.cond(current > number, "green", "indigo"))
            for number, title in enumerate(titles, start=1)
        ],
        wrap="wrap", spacing="2",
    )
