"""What the browser sends, read the way the pages mean it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cabinet.services.validation import TEXT_LIMIT, TEXT_LIMITS
from cabinet.text import thousands

DIGIT_PX, AXIS_PAD_PX = 8, 16  # a chart's amount axis: pixels per digit, and beside the ticks


def parse_date(value: str) -> dt.date | None:
    """A date from an <input type="date"> (YYYY-MM-DD), or None when empty or malformed."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


CHOICE_LIMIT = 64  # every value a page offers (an id, a code, a month) is shorter


def one(value: str | list[str]) -> str:
    """A choice from a select, a radio group, segmented control or tabs: Reflex may pass it as a string or a list
    of one; "" for anything longer than a choice can be, so that a hand-made event cannot grow the state."""
    chosen = value if isinstance(value, str) else str(value[0]) if isinstance(value, list) and value else ""
    return chosen if len(chosen) <= CHOICE_LIMIT else ""


def shown(value: str | list[str], offered) -> str:
    """A choice the browser sent, kept only if it is one of those the page offered (`offered`: their values);
    "" otherwise, so that a hand-made event can neither name another object nor grow the state."""
    chosen = one(value)
    return chosen if chosen in set(offered) else ""


@dataclass
class Option:
    """One choice of a select or a radio group."""

    value: str
    label: str


def options(pairs) -> list[Option]:
    """Options from (value, label) pairs; values as text, as the browser sends them back."""
    return [Option(value=str(value), label=label) for value, label in pairs]


def text_limit(field: str) -> int:
    """How long the text typed into a field may be: the services' own bound, set as the field's `max_length`."""
    return TEXT_LIMITS.get(field, TEXT_LIMIT)


def axis_width(largest) -> int:
    """Pixels for a chart's amount axis, whose ticks `components.charts` writes as `text.thousands` does: its top
    tick may have one digit more than the largest amount."""
    return DIGIT_PX * (len(thousands(int(abs(largest or 0)))) + 1) + AXIS_PAD_PX
