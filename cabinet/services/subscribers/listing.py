"""«Абоненты» (S1): the account's subscribers found by number, SIM or name, filtered by tariff and status, sorted
and paged in SQL. `matching` is the one filter of the account's subscribers: the list, its «Выгрузка в Excel»
(`excel`) and «all that match» of every operation on chosen subscribers (`choice`) all use it.

Built for 100,000 subscribers on one account: a 12-digit number is an exact match on (account_id, number); counts
and sorting run in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlmodel import Session

from cabinet.models import (
    Subscriber,
    SubscriberStatus,
    Tariff,
)
from cabinet.models.subscriber import STATUS_TITLES
from cabinet.services import access
from cabinet.services.access import COMPANY, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.paging import Page, bounds
from cabinet.services.validation import TEXT_LIMITS, clean_digits

SORTS = ("number", "name", "tariff", "status")
_STATUS_ORDER = case({s.value: i for i, s in enumerate(SubscriberStatus)}, value=Subscriber.status, else_=99)


@dataclass(frozen=True)
class SubscriberRow:
    id: int
    number: str
    name: str
    tariff_name: str
    status: str
    status_title: str
    sim_iccid: str | None


SubscriberPage = Page  # rows, total, page, page_size, .pages


@dataclass(frozen=True)
class Filters:
    tariffs: list[tuple[int, str]]  # only the tariffs worn on the account
    statuses: list[tuple[str, str]]  # (value, title)


# --- the query ------------------------------------------------------------------------------------------------

def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clean_search(search: str | None) -> str:
    """The search as it is matched: trimmed, at most as long as a search field takes."""
    return (search or "").strip()[:TEXT_LIMITS["search"]]


def kept_filter(search: str | None = "", tariff_id: int | None = None, status: str | None = None) -> dict:
    """The filter as a link or a request keeps it, to be matched again later (see `matching`)."""
    return {"search": clean_search(search), "tariff_id": int(tariff_id) if tariff_id else None,
            "status": status or None}


def _search_condition(search: str):
    """A 12-digit 375… number: exact match (index). More digits: (a part of) an ICCID. Fewer: a part of the
    number or of the ICCID. Anything else: a part of the name, as typed, lower, upper and capitalised (SQLite
    and PostgreSQL in the C locale fold only Latin letters)."""
    text = clean_search(search)
    if not text:
        return None
    digits = clean_digits(text)
    if digits.isdigit():
        if len(digits) == 12 and digits.startswith("375"):
            return Subscriber.number == digits
        if len(digits) == 20:
            return Subscriber.sim_iccid == digits
        if len(digits) > 12:
            return Subscriber.sim_iccid.like(f"%{digits}%")
        return or_(Subscriber.number.like(f"%{digits}%"), Subscriber.sim_iccid.like(f"%{digits}%"))
    variants = {text, text.lower(), text.upper(), text.capitalize(), text.title()}
    return or_(*(Subscriber.name.like(f"%{_escape_like(v)}%", escape="\\") for v in sorted(variants)))


def matching(account_id: int, search: str, tariff_id: int | None = None, status: str | None = None) -> list:
    """The WHERE conditions of the account's subscribers that the list shows for this search and these filters."""
    conditions = [Subscriber.account_id == account_id]
    if tariff_id not in (None, ""):
        try:
            conditions.append(Subscriber.tariff_id == int(tariff_id))
        except (TypeError, ValueError):
            raise DomainError("Выберите тарифный план из списка.") from None
    if status:
        if status not in STATUS_TITLES:
            raise DomainError("Выберите статус из списка.")
        conditions.append(Subscriber.status == status)
    found = _search_condition(search)
    if found is not None:
        conditions.append(found)
    return conditions


def _order_by(sort: str, descending: bool) -> list:
    if sort not in SORTS:
        raise DomainError("Неизвестный порядок сортировки.")
    key = {"number": Subscriber.number, "name": Subscriber.name, "tariff": Tariff.name,
           "status": _STATUS_ORDER}[sort]
    keys = [key.desc() if descending else key.asc()]
    if sort != "number":
        keys.append(Subscriber.number.desc() if descending else Subscriber.number.asc())
    return keys


def rows_query(conditions: list):
    return (select(Subscriber.id, Subscriber.number, Subscriber.name, Tariff.name, Subscriber.status,
                   Subscriber.sim_iccid, Subscriber.connected_on)
            .join(Tariff, Tariff.id == Subscriber.tariff_id)
            .where(*conditions))


@serves(COMPANY)
def count_subscribers(
    session: Session, *, actor: Actor, account_id: int, search: str = "", tariff_id: int | None = None,
    status: str | None = None,
) -> int:
    account = access.account_for(session, actor, account_id)
    conditions = matching(account.id, search, tariff_id, status)
    return session.execute(select(func.count()).select_from(Subscriber).where(*conditions)).scalar_one()


@serves(COMPANY)
def list_subscribers(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    search: str = "",
    tariff_id: int | None = None,
    status: str | None = None,
    sort: str = "number",
    descending: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> SubscriberPage:
    """One page of the account's subscribers matching the search and filters."""
    account = access.account_for(session, actor, account_id)
    page, page_size = bounds(page, page_size)
    conditions = matching(account.id, search, tariff_id, status)
    order = _order_by(sort, descending)
    total = session.execute(select(func.count()).select_from(Subscriber).where(*conditions)).scalar_one()
    found = session.execute(
        rows_query(conditions).order_by(*order).offset((page - 1) * page_size).limit(page_size)
    ).all()
    rows = [SubscriberRow(id=i, number=n, name=name or "", tariff_name=t, status=s,
                          status_title=STATUS_TITLES.get(s, s), sim_iccid=iccid)
            for i, n, name, t, s, iccid, _ in found]
    return SubscriberPage(rows=rows, total=total, page=page, page_size=page_size)


@serves(COMPANY)
def list_filters(session: Session, *, actor: Actor, account_id: int) -> Filters:
    """The choices of the filters: the tariffs worn on the account (by name) and every status."""
    account = access.account_for(session, actor, account_id)
    worn = select(Subscriber.tariff_id).where(Subscriber.account_id == account.id).distinct()
    tariffs = session.execute(
        select(Tariff.id, Tariff.name).where(Tariff.id.in_(worn)).order_by(Tariff.name)
    ).all()
    return Filters(tariffs=[(i, n) for i, n in tariffs],
                   statuses=[(s.value, STATUS_TITLES[s]) for s in SubscriberStatus])


# --- page view: what one load of «Абоненты» shows, in one unit of work -----------------------------------------

@dataclass(frozen=True)
class SubscribersPage:
    """«Абоненты» (S1) as it opens: the filters' choices and the first page, by number."""

    filters: Filters
    subscribers: SubscriberPage


@serves(COMPANY)
def subscribers_page(session: Session, *, actor: Actor, account_id: int, page_size: int = 25,
                     **shown) -> SubscribersPage:
    """`shown`: the search, filters and sort the page keeps (as `list_subscribers` takes them), on its first page."""
    shown.pop("page", None)
    return SubscribersPage(filters=list_filters(session, actor=actor, account_id=account_id),
                           subscribers=list_subscribers(session, actor=actor, account_id=account_id,
                                                        page_size=page_size, **shown))
