"""«Смена номера» (S7) and «Замена SIM» (S8).

S7: the user picks a category of the operator's pool and draws 5 random free numbers of the subscriber's own pool
(`lines.pool_of`: mobile numbers for a mobile line, landlines of its city code for a fixed one); at most DAILY_DRAWS
draws per subscriber per day, counted on the server (NumberDraw rows of today, Minsk time). The number chosen must
be one drawn for this subscriber today, of its pool and still free: `preview_number_change` says so with the old
and the new number and the price, for the confirmation, and the order checks it all again. Ordering reserves it
at once for a day with a conditional UPDATE (… WHERE it is free or its reservation has run out), so two companies
can never both take it. The handler gives the subscriber
the new number and marks the pool row taken. The old number is NOT put back in the free pool: the operator keeps
a released number in quarantine before offering it again (callers still dial it), which this cabinet does not
model. A refused request leaves its reservation to run out (a day).

S8: only for a mobile line (a fixed one has no SIM card) with self-replacement available; the new SIM must be a free
SIM of the organisation, its ICCID with a valid check digit. The handler puts it in use, retires the old one, and
stores it on the subscriber.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import Session, col

from cabinet import clock
from cabinet.models import NumberDraw, NumberPool, PoolState, RequestKind, SimCard, SimState, Subscriber
from cabinet.services import access, audit
from cabinet.services.access import COMPANY, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.requests.store import OrderResult
from cabinet.services.subscribers import lines, rules
from cabinet.services.validation import iccid_number, phone_number

DAILY_DRAWS = 5
NUMBERS_PER_DRAW = 5
RESERVATION = dt.timedelta(days=1)
FREE_SIMS_LIMIT = 1000
NUMBER_CHANGE_OFF = "смена номера недоступна"
SIM_OFF = "замена SIM-карты недоступна"
SELF_SIM_OFF = ("Самостоятельная замена SIM-карты для этого абонента недоступна. "
                "Обратитесь в центр обслуживания")
ALL_DRAWS_USED = "Использованы все 5 попыток выбора номера. Повторите завтра."
WRONG_POOL_MOBILE = "Абоненту мобильной связи можно выбрать только номер мобильной связи."
WRONG_POOL_FIXED = "Абоненту фиксированной связи можно выбрать только городской номер его кода города."


class NumberCategory(NamedTuple):
    category: str
    count_free: int
    price: int  # BYN


@dataclass(frozen=True)
class Draw:
    numbers: list[str]
    draws_left: int
    category: str = ""
    price: int = 0


def pool_free(now: dt.datetime):
    """A pool number that may be offered or reserved: free, or its reservation has run out."""
    return or_(NumberPool.state == PoolState.FREE,
               and_(NumberPool.state == PoolState.RESERVED, col(NumberPool.reserved_until) < now))


@serves(COMPANY)
def number_categories(session: Session, *, actor: Actor, subscriber_id: int) -> list[NumberCategory]:
    """The categories of the pool the subscriber may move to (mobile, or its city's fixed-line numbers),
    cheapest first, with how many numbers are free in each."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.NUMBER_CHANGE)
    return _categories(session, subscriber.number)


def _categories(session: Session, number: str) -> list[NumberCategory]:
    now, pool = clock.now(), lines.pool_of(number)
    prices = session.execute(
        select(NumberPool.category, func.min(NumberPool.price)).where(pool).group_by(NumberPool.category)
    ).all()
    free: dict[str, int] = dict(session.execute(
        select(NumberPool.category, func.count()).where(pool, pool_free(now)).group_by(NumberPool.category)
    ).all())
    return sorted((NumberCategory(c, free.get(c, 0), int(p or 0)) for c, p in prices), key=lambda c: (c.price, c.category))


def _midnight() -> dt.datetime:
    return dt.datetime.combine(clock.today(), dt.time())


def _draws_today(session: Session, subscriber_id: int) -> list[list[str]]:
    return [list(n or []) for n in session.execute(
        select(NumberDraw.numbers).where(NumberDraw.subscriber_id == subscriber_id,
                                         NumberDraw.created_at >= _midnight())
    ).scalars().all()]


@serves(COMPANY)
def draws_left(session: Session, *, actor: Actor, subscriber_id: int) -> int:
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.NUMBER_CHANGE)
    return max(DAILY_DRAWS - len(_draws_today(session, subscriber.id)), 0)


@serves(COMPANY)
def draw_numbers(session: Session, *, actor: Actor, subscriber_id: int, category: str) -> Draw:
    """Five random free numbers of the category, of the subscriber's own pool (`lines.pool_of`); one of today's
    DAILY_DRAWS attempts used."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.NUMBER_CHANGE)
    rules.require_active(subscriber, NUMBER_CHANGE_OFF)
    # Serialise the draws of one subscriber (PostgreSQL), so two tabs cannot both take the fifth attempt.
    session.execute(select(Subscriber.id).where(Subscriber.id == subscriber.id).with_for_update())
    used = len(_draws_today(session, subscriber.id))
    if used >= DAILY_DRAWS:
        raise DomainError(ALL_DRAWS_USED)
    prices = {c.category: c.price for c in _categories(session, subscriber.number)}
    if category not in prices:
        raise DomainError("Выберите категорию номера из списка.")
    numbers = list(session.execute(
        select(NumberPool.number).where(NumberPool.category == category, lines.pool_of(subscriber.number),
                                        pool_free(clock.now()))
        .order_by(func.random()).limit(NUMBERS_PER_DRAW)
    ).scalars().all())
    if not numbers:
        raise DomainError(f"В категории «{category}» сейчас нет свободных номеров. Выберите другую категорию.")
    session.add(NumberDraw(subscriber_id=subscriber.id, user_id=actor.user_id, category=category,
                           numbers=sorted(numbers)))
    audit.record(session, action="subscriber.numbers_drawn", actor=actor, account_id=subscriber.account_id,
                 object_kind="subscriber", object_id=subscriber.id, category=category, attempt=used + 1)
    session.flush()
    return Draw(numbers=sorted(numbers), draws_left=DAILY_DRAWS - used - 1, category=category,
                price=prices[category])


@dataclass(frozen=True)
class NumberChangePreview:
    """What «Смена номера» will do, shown for confirmation before anything changes."""

    subscriber_id: int
    old_number: str
    new_number: str
    category: str
    price: int  # BYN, the number's price (that of its category)


def _checked_choice(session: Session, subscriber: Subscriber, number: str) -> tuple[str, NumberPool]:
    """The number chosen, if it was drawn for this subscriber today, is of its pool and is still free."""
    rules.require_active(subscriber, NUMBER_CHANGE_OFF)
    number = phone_number(number)
    if not any(number in drawn for drawn in _draws_today(session, subscriber.id)):
        raise DomainError("Выберите номер из предложенных сегодня.")
    if not lines.in_pool_of(subscriber.number, number):
        raise DomainError(WRONG_POOL_MOBILE if lines.is_mobile(subscriber.number) else WRONG_POOL_FIXED)
    pool = session.execute(select(NumberPool).where(NumberPool.number == number, pool_free(clock.now()))
                           ).scalar_one_or_none()
    if pool is None:
        raise DomainError(f"Номер {number} уже занят. Выберите другой номер.")
    return number, pool


@serves(COMPANY)
def preview_number_change(session: Session, *, actor: Actor, subscriber_id: int, number: str) -> NumberChangePreview:
    """The confirmation of S7: the old and the new number and the category's price; nothing reserved yet."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.NUMBER_CHANGE)
    number, pool = _checked_choice(session, subscriber, number)
    return NumberChangePreview(subscriber_id=subscriber.id, old_number=subscriber.number, new_number=number,
                               category=pool.category, price=int(pool.price or 0))


@serves(COMPANY)
def order_number_change(
    session: Session, *, actor: Actor, subscriber_id: int, number: str, idempotency_key: str
) -> OrderResult:
    """Order the change to a number drawn today (checked again as for the preview); the number is reserved for
    the subscriber at once."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.NUMBER_CHANGE)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.NUMBER_CHANGE, idempotency_key)) is not None:
        return again
    number, pool = _checked_choice(session, subscriber, number)
    now = clock.now()
    taken = session.execute(
        update(NumberPool.__table__)
        .where(NumberPool.number == number, pool_free(now))
        .values(state=PoolState.RESERVED, reserved_by_subscriber_id=subscriber.id, reserved_until=now + RESERVATION)
    )
    if taken.rowcount != 1:
        raise DomainError(f"Номер {number} уже занят. Выберите другой номер.")
    session.refresh(pool)
    audit.record(session, action="number.reserved", actor=actor, account_id=subscriber.account_id,
                 object_kind="number", object_id=number, subscriber_id=subscriber.id)
    return rules.submit_one(
        session, actor=actor, subscriber=subscriber, kind=RequestKind.NUMBER_CHANGE,
        params={"number": number, "category": pool.category, "price": pool.price},
        expected={"expected_number": subscriber.number},
        what=f"смена номера на {number}", idempotency_key=idempotency_key,
    )


# --- S8 -----------------------------------------------------------------------------------------------------

@serves(COMPANY)
def free_sims(session: Session, *, actor: Actor, account_id: int, limit: int = FREE_SIMS_LIMIT) -> list[str]:
    """The organisation's free SIM cards (ICCIDs, in order), at most `limit`; for a mobile account only."""
    account = access.account_for(session, actor, account_id)
    lines.require_applies(account.kind, RequestKind.SIM_REPLACEMENT)
    return list(session.execute(
        select(SimCard.iccid).where(SimCard.organization_id == account.organization_id, SimCard.state == SimState.FREE)
        .order_by(SimCard.iccid).limit(max(int(limit), 1))
    ).scalars().all())


def check_new_sim(session: Session, organization_id: int, iccid: str, *, free: bool = True) -> str:
    """The ICCID typed, if it is one of the organisation's own SIM cards (and a free one, unless `free` is False);
    the same refusal whether the card is another company's, missing or in use."""
    iccid = iccid_number(iccid)
    sim = session.get(SimCard, iccid)
    if sim is None or sim.organization_id != organization_id or (free and sim.state != SimState.FREE):
        raise DomainError(f"SIM-карта {iccid} не найдена среди свободных SIM-карт организации.")
    return iccid


@serves(COMPANY)
def check_replacement_sim(session: Session, *, actor: Actor, subscriber_id: int, iccid: str) -> str:
    """The «Замена SIM» field, checked when the user leaves it: the ICCID as it will be ordered (19–20 digits with
    a valid check digit, one of the organisation's free SIM cards), or a DomainError saying what is wrong."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.SIM_REPLACEMENT)
    _require_replaceable(subscriber)
    return check_new_sim(session, actor.organization_id, iccid)


def _require_replaceable(subscriber: Subscriber) -> None:
    rules.require_not_terminated(subscriber, SIM_OFF)
    if not subscriber.self_sim_replacement:
        raise DomainError(SELF_SIM_OFF)


@serves(COMPANY)
def order_sim_replacement(
    session: Session, *, actor: Actor, subscriber_id: int, iccid: str, idempotency_key: str
) -> OrderResult:
    """«Замена SIM»: «Далее» → «Подтвердить» with one of the organisation's free SIMs."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.SIM_REPLACEMENT)
    # Even a repeated submission names one of the company's own cards: nobody else's ICCID is ever accepted.
    check_new_sim(session, actor.organization_id, iccid, free=False)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.SIM_REPLACEMENT, idempotency_key)) is not None:
        return again
    _require_replaceable(subscriber)
    iccid = check_new_sim(session, actor.organization_id, iccid)
    return rules.submit_one(
        session, actor=actor, subscriber=subscriber, kind=RequestKind.SIM_REPLACEMENT, params={"iccid": iccid},
        expected={"expected_iccid": subscriber.sim_iccid}, what=f"замена SIM-карты на {iccid}",
        idempotency_key=idempotency_key,
    )
