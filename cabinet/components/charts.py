"""Charts of charges: by month, and the subscribers who cost the most."""

from __future__ import annotations

import reflex as rx


def charges_by_month(data) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key="month"),
        rx.recharts.y_axis(width=70),
        rx.recharts.tooltip(),
        rx.recharts.bar(data_key="amount", name="Начисления, BYN", fill=rx.color("accent", 9)),
        data=data, width="100%", height=280,
    )


def top_subscribers(data) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.x_axis(type_="number"),
        rx.recharts.y_axis(data_key="subscriber", type_="category", width=120),
        rx.recharts.tooltip(),
        rx.recharts.bar(data_key="amount", name="Начисления, BYN", fill=rx.color("accent", 8)),
        data=data, layout="vertical", width="100%", height=360,
    )
