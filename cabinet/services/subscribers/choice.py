"""The subscribers an operation applies to, named one way for all of them: a `Choice`, resolved by
`chosen_subscribers` for call detail (C6, P8), the preliminary invoice (P9) and the list operations (B1–B5).

A choice is exactly one of:
- `subscriber_ids`: the subscribers ticked in the account's list (ids come from the browser: any id not on this
  account refuses the whole choice with AccessDenied, saying nothing about what it is);
- `all_matching`: every subscriber the list's search shows («» = the whole account), optionally with the list's
  status filter — resolved by the very conditions of «Абоненты» (S1, `listing.matching`), in SQL, by number;
- `numbers`: 12-digit numbers (typed, or sent by another system); a number not on the account refuses the whole
  choice with `uploads.UploadRejected` naming each such row, nothing applied;
- `upload_id`: an xlsx of numbers uploaded and checked before (`uploads.store_upload`), kept on the server; only
  its own user may name it, for its account.

An empty choice, more than one way at once and more than `limit` subscribers (MAX_CHOICE unless the operation
says less) are refused. The status filter applies to `all_matching` only: ticked ids and uploaded numbers are
taken as given (the B4/B5 orders check the status of each themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from cabinet.models import Subscriber, UploadedListItem
from cabinet.services import access
from cabinet.services.access import COMPANY, EVERY_CABINET, Actor, serves
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.subscribers import uploads

# the very filter of the «Абоненты» list (S1), so «all matching» is what the list shows
from cabinet.services.subscribers.listing import matching
from cabinet.text import thousands

MAX_CHOICE = 100_000
NOTHING_CHOSEN = "Выберите хотя бы одного абонента."
ONE_WAY = "Выберите абонентов одним способом: отметьте в списке или загрузите файл."
_IN_CHUNK = 900
_SHOWN = 10  # numbers named in a message; the rest counted


@dataclass(frozen=True)
class Choice:
    subscriber_ids: list[int] | None = None
    all_matching: str | None = None
    numbers: list[str] | None = None
    upload_id: int | None = None

    def ways(self) -> int:
        return sum(way is not None for way in (self.subscriber_ids, self.all_matching, self.numbers, self.upload_id))


@dataclass(frozen=True)
class Chosen:
    """One chosen subscriber as it is now (what the orders need to decide and to fill the items)."""

    id: int
    number: str
    name: str
    status: str
    tariff_id: int


@dataclass(frozen=True)
class RowProblem:
    subscriber_id: int
    number: str
    reason: str


class ListRejected(DomainError):
    """A list order refused whole, nothing stored: `rows` (the first MAX_ROWS) say which subscriber and why,
    `total` how many there were."""

    MAX_ROWS = 100

    def __init__(self, message: str, rows: Sequence[RowProblem], total: int | None = None):
        super().__init__(message)
        self.rows: list[RowProblem] = list(rows)[:self.MAX_ROWS]
        self.total: int = len(rows) if total is None else total


def named(numbers: Sequence[str]) -> str:
    """«375…, 375… и еще 12»"""
    shown = ", ".join(numbers[:_SHOWN])
    return shown + (f" и еще {len(numbers) - _SHOWN}" if len(numbers) > _SHOWN else "")


def too_many(count: int, limit: int, what: str) -> DomainError:
    return DomainError(f"{what} — не более {thousands(limit)} абонентов, выбрано {thousands(count)}. "
                       "Разделите список.")


_COLUMNS = (Subscriber.id, Subscriber.number, Subscriber.name, Subscriber.status, Subscriber.tariff_id)


def _row(found) -> Chosen:
    i, number, name, status, tariff_id = found
    return Chosen(id=i, number=number, name=name or "", status=str(status), tariff_id=tariff_id)


def _by_ids(session: Session, account_id: int, subscriber_ids: Sequence, limit: int, what: str) -> list[Chosen]:
    try:
        ids = list(dict.fromkeys(int(i) for i in subscriber_ids))
    except (TypeError, ValueError):
        raise AccessDenied("Абонент не найден на этом лицевом счете.") from None
    if len(ids) > limit:
        raise too_many(len(ids), limit, what)
    found: dict[int, Chosen] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        rows = session.execute(select(*_COLUMNS).where(
            Subscriber.account_id == account_id, Subscriber.id.in_(ids[start:start + _IN_CHUNK]))).all()
        found.update((row[0], _row(row)) for row in rows)
    missing = len(ids) - len(found)
    if missing:
        raise AccessDenied(f"Абоненты не найдены на этом лицевом счете: {missing}. Обновите список и выберите снова.")
    return [found[i] for i in ids]


def _by_search(session: Session, account_id: int, search: str, status: str | None, limit: int,
               what: str) -> list[Chosen]:
    conditions = matching(account_id, search, status=status)
    count = session.execute(select(func.count()).select_from(Subscriber).where(*conditions)).scalar_one()
    if count > limit:
        raise too_many(count, limit, what)
    rows = session.execute(select(*_COLUMNS).where(*conditions).order_by(Subscriber.number)).all()
    return [_row(row) for row in rows]


def _by_upload(session: Session, actor: Actor, account_id: int, upload_id, limit: int, what: str) -> list[Chosen]:
    uploaded = uploads.uploaded_list(session, actor=actor, account_id=account_id, upload_id=upload_id)
    if uploaded.count > limit:
        raise too_many(uploaded.count, limit, what)
    rows = session.execute(
        select(*_COLUMNS).join(UploadedListItem, UploadedListItem.subscriber_id == Subscriber.id)
        .where(UploadedListItem.list_id == uploaded.id, Subscriber.account_id == account_id)
        .order_by(UploadedListItem.position)
    ).all()
    missing = uploaded.count - len(rows)
    if missing:  # moved to another account since the upload
        raise AccessDenied(f"Абоненты не найдены на этом лицевом счете: {missing}. Загрузите файл снова.")
    return [_row(row) for row in rows]


@serves(EVERY_CABINET)
def chosen_subscribers(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, status: str | None = None,
    limit: int | None = None, what: str = "В одной заявке",
) -> list[Chosen]:
    """The chosen subscribers of this account, each once: ticked ones in the order ticked, matching ones by
    number, uploaded ones in file order. `limit` and `what` word the refusal of too many («В одной заявке на
    детализацию — не более 10 000 абонентов…»)."""
    account = access.account_for(session, actor, account_id)
    limit = MAX_CHOICE if limit is None else limit
    if choice is None:
        raise DomainError(NOTHING_CHOSEN)
    if choice.ways() > 1:
        raise DomainError(ONE_WAY)
    if choice.subscriber_ids:
        chosen = _by_ids(session, account.id, choice.subscriber_ids, limit, what)
    elif choice.all_matching is not None:
        chosen = _by_search(session, account.id, choice.all_matching, status, limit, what)
    elif choice.numbers:
        if len(choice.numbers) > limit:
            raise too_many(len(choice.numbers), limit, what)
        ids = uploads.match_numbers(session, actor=actor, account_id=account.id, numbers=choice.numbers)
        chosen = _by_ids(session, account.id, ids, limit, what)
    elif choice.upload_id is not None:
        chosen = _by_upload(session, actor, account.id, choice.upload_id, limit, what)
    else:
        chosen = []
    if not chosen:
        raise DomainError(NOTHING_CHOSEN)
    return chosen


@serves(COMPANY)
def resolve_choice(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, status: str | None = None
) -> list[int]:
    """The ids of the chosen subscribers of this account (see the module's docstring for the refusals)."""
    return [c.id for c in chosen_subscribers(session, actor=actor, account_id=account_id, choice=choice,
                                             status=status)]
