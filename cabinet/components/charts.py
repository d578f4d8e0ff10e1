"""Charts of charges: by month, and the subscribers who cost the most. Each point carries its amount as a number
(for the bar) and as `amount_text`, written by `cabinet.text.money` («1 234,50 BYN»), which the tooltip shows."""

from __future__ import annotations

import reflex as rx
from reflex.vars import FunctionStringVar

# The tooltip reads the point's own text: money is written in one place, in Python.
MONEY_TOOLTIP = FunctionStringVar.create("(value, name, item) => [item.payload.amount_text, name]")
# Axis ticks are whole rubles grouped by a space as `text.thousands` writes them («1 234 000»); never cut, as the
# axis is as wide as the longest of them (`state.format.axis_width`).
RUBLE_TICKS = '(value) => String(Math.round(value)).replace(/\\B(?=(\\d{3})+(?!\\d))/g, " ")'


def _tooltip() -> rx.Component:
    return rx.recharts.tooltip(separator=": ", custom_attrs={"formatter": MONEY_TOOLTIP})


def charges_by_month(data, width) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key="month"),
        rx.recharts.y_axis(width=width, tick_formatter=RUBLE_TICKS),
        _tooltip(),
        rx.recharts.bar(data_key="amount", name="Начисления", fill=rx.color("accent", 9)),
        data=data, width="100%", height=280,
    )


def top_subscribers(data) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.x_axis(type_="number", tick_formatter=RUBLE_TICKS),
        rx.recharts.y_axis(data_key="subscriber", type_="category", width=120),
        _tooltip(),
        rx.recharts.bar(data_key="amount", name="Начисления", fill=rx.color("accent", 8)),
        data=data, layout="vertical", width="100%", height=360, margin={"right": 24},
    )
