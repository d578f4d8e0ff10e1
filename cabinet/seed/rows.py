"""What every seeder shares: fast bulk inserts, money, months, and Belarusian numbers and ICCIDs."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select, update
from sqlmodel import Session

from cabinet.documents.common import vat_in

CHUNK = 5_000
CENT = Decimal("0.01")
MOBILE_CODES = ("29", "33", "44", "25")


# --- bulk rows: SQLAlchemy Core executemany, no ORM object per row -------------------------------------------


def insert_rows(session: Session, model, rows: Sequence[dict]) -> None:
    """Insert plain dicts (all with the same keys) in chunks, inside the session's transaction."""
    connection = session.connection()
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(model.__table__), list(rows[start : start + CHUNK]))


def insert_one(session: Session, model, row: dict) -> int:
    """One row; returns its new id."""
    key = session.connection().execute(insert(model.__table__).values(**row)).inserted_primary_key
    assert key is not None
    return key[0]


def ids_by(session: Session, model, key: str, *where) -> dict:
    """{natural key: id} of the rows matching `where`, read back after a bulk insert."""
    table = model.__table__
    return dict(session.connection().execute(select(table.c[key], table.c.id).where(*where)).all())


def update_row(session: Session, model, row_id: int, **values) -> None:
    table = model.__table__
    session.connection().execute(update(table).where(table.c.id == row_id).values(**values))


def column_values(session: Session, column) -> set:
    return set(session.connection().execute(select(column)).scalars())


# --- money: BYN with VAT 20 % included ---------------------------------------------------------------------------


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(amount: Decimal) -> Decimal:
    """The VAT inside an amount that includes 20 %, by the invoices' one rule."""
    return vat_in(amount)


def cents(rng: random.Random, low: str, high: str) -> Decimal:
    """A random amount between two amounts, to the cent, without float rounding."""
    return Decimal(rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))) / 100


# --- months --------------------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` away from the month of `day`."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, 1)


def month_end(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second))


# --- numbers -------------------------------------------------------------------------------------------------------


def luhn_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return str((10 - total % 10) % 10)


class NumberMaker:
    """Unique 12-digit numbers and ICCIDs: each one handed out once, also across organisations and the pool."""

    def __init__(self, rng: random.Random, used: Iterable[str] = ()):
        self.rng = rng
        self.used = set(used)

    def take(self, value: str) -> str:
        if value in self.used:
            raise ValueError(f"{value} is already used")
        self.used.add(value)
        return value

    def fresh(self, make) -> str:
        """A value from `make()` not handed out before."""
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def mobile(self, codes: Sequence[str] = MOBILE_CODES) -> str:
        """375 + operator code + 7 digits not starting with 0 or 1."""
        return self.fresh(lambda: f"375{self.rng.choice(codes)}{self.rng.randrange(2_000_000, 10_000_000)}")

    def fixed(self) -> str:
        """A Minsk landline: 375 17 + 7 digits."""
        return self.fresh(lambda: f"37517{self.rng.randrange(2_000_000, 4_000_000)}")

    def iccid(self) -> str:
        """89 (telecom) 375 (Belarus) 02 (issuer) + serial + Luhn digit: 19 digits, a third of them 20."""
        def make() -> str:
            serial_length = 12 if self.rng.random() < 0.33 else 11
            body = f"8937502{self.rng.randrange(10**serial_length):0{serial_length}d}"
            return body + luhn_digit(body)

        return self.fresh(make)
