"""The operator's pool of free numbers for «Смена номера», by category: the rarer the pattern, the dearer. Mobile
numbers for the mobile subscribers, and landline numbers of each city code the fixed-line subscribers have (a
fixed-line subscriber moves only within its own city code)."""

from __future__ import annotations

import random
from functools import partial

from sqlmodel import Session

from cabinet.models import NumberPool, PoolState
from cabinet.seed.rows import MOBILE_CODES, NumberMaker, insert_rows


def _golden(rng: random.Random) -> str:  # five equal digits at the end: 375 29 47 77777
    return f"375{rng.choice(MOBILE_CODES)}{rng.randrange(20, 100)}{str(rng.randint(0, 9)) * 5}"


def _silver(rng: random.Random) -> str:  # four equal digits at the end: 375 29 471 7777
    return f"375{rng.choice(MOBILE_CODES)}{rng.randrange(200, 1000)}{str(rng.randint(0, 9)) * 4}"


def _bronze(rng: random.Random) -> str:  # ABAB or AABB at the end: 375 29 471 2323
    a, b = str(rng.randint(0, 9)), str(rng.randint(0, 9))
    return f"375{rng.choice(MOBILE_CODES)}{rng.randrange(200, 1000)}{rng.choice((a + b + a + b, a + a + b + b))}"


# category, price (BYN), how many, pattern (None: any number)
CATEGORIES = [("Простой", 0, 2000, None), ("Бронзовый", 20, 600, _bronze), ("Серебряный", 60, 300, _silver),
              ("Золотой", 150, 100, _golden)]


def _landline(rng: random.Random, code: str, ending: str = "") -> str:
    """375 + city code + a local number (9 digits with the code) starting with 2 or 3, ending with `ending`."""
    digits = 9 - len(code) - len(ending)
    return f"375{code}{rng.randrange(2 * 10 ** (digits - 1), 4 * 10 ** (digits - 1))}{ending}"


def _landline_pair(rng: random.Random, code: str) -> str:  # ABAB at the end: 375 17 234 5757
    a, b = str(rng.randint(0, 9)), str(rng.randint(0, 9))
    return _landline(rng, code, a + b + a + b)


# category, price (BYN), how many per city code
FIXED_CATEGORIES = [("Простой", 0, 200, _landline), ("Бронзовый", 20, 40, _landline_pair)]


def _row(number: str, category: str, price: int) -> dict:
    return dict(number=number, category=category, price=price, state=PoolState.FREE, reserved_by_subscriber_id=None,
                reserved_until=None)


def insert_pool(session: Session, numbers: NumberMaker, city_codes: tuple[str, ...] = ()) -> None:
    rows = []
    for category, price, count, pattern in CATEGORIES:
        for _ in range(count):
            number = numbers.fresh(partial(pattern, numbers.rng)) if pattern else numbers.mobile()
            rows.append(_row(number, category, price))
    for code in city_codes:
        for category, price, count, landline in FIXED_CATEGORIES:
            rows += [_row(numbers.fresh(partial(landline, numbers.rng, code)), category, price) for _ in range(count)]
    insert_rows(session, NumberPool, rows)
