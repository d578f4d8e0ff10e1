"""How values are written on the pages (Belarusian conventions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def money(value: Decimal | int | float) -> str:
    """12 345,67 BYN"""
    text = f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} BYN"


def parse_date(value: str) -> dt.date | None:
    """A date from an <input type="date"> (YYYY-MM-DD), or None when empty or malformed."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
