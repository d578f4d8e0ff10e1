"""What the list-operation wizards (B1–B3) offer before an order: the services a user may switch for the whole
account (B1), the tariffs open for connection with their service sets (B2), the chosen subscribers one page at
a time with a check of each new name as its ✓ is pressed (B3). Every function checks the actor's right to the
account; the orders in `bulk` check everything again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from cabinet.models import RequestKind, Service
from cabinet.services import access
from cabinet.services.access import COMPANY, Actor, serves
from cabinet.services.errors import AccessDenied
from cabinet.services.paging import Page, bounds
from cabinet.services.subscribers import lines, rules
from cabinet.services.subscribers.choice import Choice, Chosen, chosen_subscribers
from cabinet.services.subscribers.operations import TariffOption, tariff_options


@dataclass(frozen=True)
class ServiceOption:
    id: int
    name: str
    category: str
    monthly_fee: Decimal
    description: str


@serves(COMPANY)
def service_options(session: Session, *, actor: Actor, account_id: int) -> list[ServiceOption]:
    """B1: the services of the account's kind a user may connect or disconnect («только по заявлению» ones are
    not offered), by category and name."""
    account = access.account_for(session, actor, account_id)
    services = session.execute(
        select(Service).where(Service.kind == account.kind, Service.self_service.is_(True))
        .order_by(Service.category, Service.name)
    ).scalars().all()
    return [ServiceOption(id=s.id, name=s.name, category=s.category, monthly_fee=s.monthly_fee,
                          description=s.description) for s in services]


@serves(COMPANY)
def account_tariffs(session: Session, *, actor: Actor, account_id: int) -> list[TariffOption]:
    """B2: the tariffs of the account's kind open for connection, each with the services it offers."""
    account = access.account_for(session, actor, account_id)
    return tariff_options(session, account.kind)


@serves(COMPANY)
def chosen_page(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, page: int = 1, page_size: int = 20
) -> Page[Chosen]:
    """B3: one page of the chosen subscribers, in the choice's order, to edit their names."""
    page, page_size = bounds(page, page_size)
    chosen = chosen_subscribers(session, actor=actor, account_id=account_id, choice=choice)
    start = (page - 1) * page_size
    return Page(rows=chosen[start:start + page_size], total=len(chosen), page=page, page_size=page_size)


@dataclass(frozen=True)
class ChoicePreview:
    """What a list operation's confirmation names: how many subscribers, the first numbers, how many more."""

    count: int
    first: list[str]
    more: int
    not_applicable: int = 0  # of them, in another status than the operation needs: refused, each with its reason


PREVIEW_NUMBERS = 10


@serves(COMPANY)
def choice_preview(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, status: str | None = None
) -> ChoicePreview:
    """The chosen subscribers as the confirmation shows them: their count and the first PREVIEW_NUMBERS numbers
    («и еще N»), resolved exactly as the order will resolve them (`status` as the tab lists them)."""
    chosen = chosen_subscribers(session, actor=actor, account_id=account_id, choice=choice, status=status)
    first = [c.number for c in chosen[:PREVIEW_NUMBERS]]
    wrong = sum(c.status != status for c in chosen) if status else 0
    return ChoicePreview(count=len(chosen), first=first, more=len(chosen) - len(first), not_applicable=wrong)


@serves(COMPANY)
def check_new_name(session: Session, *, actor: Actor, account_id: int, subscriber_id: int, name: str) -> str:
    """B3, the ✓ of one field: the name as it will be stored, or a DomainError saying what is wrong with it."""
    account = access.account_for(session, actor, account_id)
    lines.require_applies(account.kind, RequestKind.RENAME)
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    if subscriber.account_id != account_id:
        raise AccessDenied("Абонент не найден на этом лицевом счете.")
    rules.require_not_terminated(subscriber, "переименование недоступно")
    return rules.clean_name(name, subscriber.name)
