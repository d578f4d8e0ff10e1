"""What the browser sends, read the way the pages mean it."""

from __future__ import annotations

import datetime as dt


def parse_date(value: str) -> dt.date | None:
    """A date from an <input type="date"> (YYYY-MM-DD), or None when empty or malformed."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
