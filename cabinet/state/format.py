"""How values are written on the pages (Belarusian conventions)."""

from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | int | float) -> str:
    """12 345,67 BYN"""
    text = f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} BYN"
