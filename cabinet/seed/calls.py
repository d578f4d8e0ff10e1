"""Call records for the current and the six previous months, for a sample of subscribers."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from sqlmodel import Session

from cabinet.models import CallRecord
from cabinet.seed.rows import add_months, at, insert_rows, money, month_end
from cabinet.seed.subscribers import Sub

NETWORKS = ("own", "other", "fixed", "intl")
NETWORK_WEIGHTS = (45, 30, 15, 10)
RATE_PER_MINUTE = {"own": Decimal("0.03"), "other": Decimal("0.12"), "fixed": Decimal("0.06"),
                   "intl": Decimal("0.85")}
SMS_PRICE = {"own": Decimal("0.05"), "other": Decimal("0.08"), "fixed": Decimal("0.08"),
             "intl": Decimal("0.25")}
FOREIGN_PREFIXES = ("7495", "7812", "4822", "4930", "37052", "37167", "8610")


def _other_number(rng: random.Random, network: str) -> str:
    if network == "own":
        return f"375{rng.choice(('29', '33'))}{rng.randrange(2_000_000, 10_000_000)}"
    if network == "other":
        return f"375{rng.choice(('44', '25'))}{rng.randrange(2_000_000, 10_000_000)}"
    if network == "fixed":  # a landline: 9 digits after 375 with the city code (Minsk 17 + 7, Brest 162 + 6)
        code = rng.choice(("17", "17", "162", "222"))
        local = 9 - len(code)
        return f"375{code}{rng.randrange(2 * 10 ** (local - 1), 4 * 10 ** (local - 1))}"
    return f"{rng.choice(FOREIGN_PREFIXES)}{rng.randrange(1_000_000, 10_000_000)}"


def _one_call(rng: random.Random, sub_id: int, day: dt.date, sms_share: float) -> dict:
    direction = "out" if rng.random() < 0.55 else "in"
    network = rng.choices(NETWORKS, NETWORK_WEIGHTS)[0]
    kind = "sms" if rng.random() < sms_share else "voice"
    duration = 0 if kind == "sms" else min(3600, 5 + int(rng.expovariate(1 / 140)))
    if direction == "in":
        cost = Decimal("0.00")
    elif kind == "sms":
        cost = SMS_PRICE[network]
    else:
        cost = money(RATE_PER_MINUTE[network] * math.ceil(duration / 60))
    return dict(subscriber_id=sub_id, started_at=at(day, rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59)),
                direction=direction, other_number=_other_number(rng, network), kind=kind, network=network,
                duration_seconds=duration, cost=cost)


def insert_calls(
    session: Session, rng: random.Random, subs: list[Sub], *, today: dt.date, months: int = 7,
    sms_share: float = 0.2, silent_this_month: frozenset[str] = frozenset(),
) -> list[dict]:
    """20–40 calls a month per subscriber over `months` months ending with the current one (only the days
    before today); numbers in `silent_this_month` get no calls in the current month. Returns the rows."""
    current = today.replace(day=1)
    rows = []
    for sub in subs:
        for back in range(months - 1, -1, -1):
            period = add_months(current, -back)
            last_day = month_end(period).day if back else today.day - 1
            if last_day < 1 or (back == 0 and sub.number in silent_this_month):
                continue
            count = rng.randint(20, 40) * last_day // month_end(period).day
            days = sorted(period.replace(day=rng.randint(1, last_day)) for _ in range(count))
            rows += [_one_call(rng, sub.id, day, sms_share) for day in days]
    rows.sort(key=lambda row: (row["subscriber_id"], row["started_at"]))
    insert_rows(session, CallRecord, rows)
    return rows


def minutes_to_other_networks(rows: list[dict], sub_id: int, since: dt.date) -> int:
    """Outgoing voice minutes to other networks since a day (what the free minutes are spent on)."""
    return sum(math.ceil(r["duration_seconds"] / 60) for r in rows
               if r["subscriber_id"] == sub_id and r["direction"] == "out" and r["kind"] == "voice"
               and r["network"] == "other" and r["started_at"].date() >= since)
