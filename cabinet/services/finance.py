"""Finance for the Administrator and the Supervisor: the account's charges, balance and amount to pay (C1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from cabinet.models import Invoice, Organization
from cabinet.services.access import Actor, account_for
from cabinet.services.sessions import ACCOUNT_KIND_TITLES

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]


def month_title(period: dt.date) -> str:
    return f"{MONTHS[period.month - 1].capitalize()} {period.year}"


@dataclass(frozen=True)
class AccountSummary:
    account_id: int
    number: str
    kind_title: str
    organization_name: str
    status: str
    last_period: str  # «Октябрь 2026», or "" before the first invoice
    last_charges: Decimal
    balance: Decimal
    amount_to_pay: Decimal
    due_on: dt.date | None


def account_summary(session: Session, *, actor: Actor, account_id: int) -> AccountSummary:
    account = account_for(session, actor, account_id)
    last = session.exec(
        select(Invoice)
        .where(Invoice.account_id == account.id, Invoice.is_regular.is_(True))
        .order_by(Invoice.period.desc())
    ).first()
    unpaid = session.exec(
        select(func.coalesce(func.sum(Invoice.amount - Invoice.paid_amount), 0)).where(
            Invoice.account_id == account.id, Invoice.is_regular.is_(True), Invoice.paid_amount < Invoice.amount
        )
    ).one()
    organization = session.get(Organization, account.organization_id)
    return AccountSummary(
        account_id=account.id,
        number=account.number,
        kind_title=ACCOUNT_KIND_TITLES[account.kind],
        organization_name=organization.name,
        status="Активен" if account.status == "active" else "Приостановлен",
        last_period=month_title(last.period) if last else "",
        last_charges=last.amount if last else Decimal("0.00"),
        balance=account.balance,
        amount_to_pay=Decimal(unpaid).quantize(Decimal("0.01")),
        due_on=last.due_on if last and not last.is_paid else None,
    )
