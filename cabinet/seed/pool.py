"""The operator's pool of free numbers for «Смена номера», by category: the rarer the pattern, the dearer."""

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


def insert_pool(session: Session, numbers: NumberMaker) -> None:
    rows = []
    for category, price, count, pattern in CATEGORIES:
        for _ in range(count):
            number = numbers.fresh(partial(pattern, numbers.rng)) if pattern else numbers.mobile()
            rows.append(dict(number=number, category=category, price=price, state=PoolState.FREE,
                             reserved_by_subscriber_id=None, reserved_until=None))
    insert_rows(session, NumberPool, rows)
