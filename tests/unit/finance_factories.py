"""Builders of finance rows for the finance tests: invoices with charge lines, payments, a small world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from cabinet.clock import add_months
from cabinet.models import AccountKind, ChargeLine, Invoice, Payment, PersonalAccount, Role
from cabinet.services.access import Actor
from tests.unit.factories import make_account, make_actor, make_org, make_user


def make_invoice(
    session: Session, account: PersonalAccount, period: dt.date, amount: str | Decimal = "100.00", *,
    paid: str | Decimal | bool = True, is_regular: bool = True,
) -> Invoice:
    amount = Decimal(amount)
    paid_amount = amount if paid is True else Decimal("0.00") if paid is False else Decimal(paid)
    following = add_months(period, 1)
    invoice = Invoice(
        account_id=account.id,
        number=f"{account.number}-{period:%Y%m}{'' if is_regular else 'P'}",
        period=period,
        issued_on=following.replace(day=3),
        due_on=following.replace(day=25),
        amount=amount,
        vat=(amount / 6).quantize(Decimal("0.01")),
        paid_amount=paid_amount,
        is_regular=is_regular,
    )
    session.add(invoice)
    session.flush()
    return invoice


def add_line(session: Session, invoice: Invoice, subscriber=None, amount: str = "10.00",
             description: str = "Абонентская плата") -> ChargeLine:
    line = ChargeLine(invoice_id=invoice.id, subscriber_id=subscriber.id if subscriber else None,
                      number=subscriber.number if subscriber else None, description=description,
                      amount=Decimal(amount), vat=(Decimal(amount) / 6).quantize(Decimal("0.01")))
    session.add(line)
    session.flush()
    return line


def make_payment(session: Session, account: PersonalAccount, paid_on: dt.date, amount: str = "50.00",
                 reference: str = "п/п № 1") -> Payment:
    payment = Payment(account_id=account.id, paid_on=paid_on, amount=Decimal(amount), reference=reference)
    session.add(payment)
    session.flush()
    return payment


def invoices_until(session: Session, account: PersonalAccount, last: dt.date, count: int, *,
                   last_paid: bool = False) -> list[Invoice]:
    """`count` monthly regular invoices ending with period `last`; all paid except (by default) the last."""
    periods = [add_months(last, -back) for back in range(count - 1, -1, -1)]
    return [make_invoice(session, account, p, f"{100 + i}.50", paid=last_paid or p != last)
            for i, p in enumerate(periods)]


@dataclass
class World:
    org: object
    account: PersonalAccount
    user: object
    actor: Actor
    other_org: object
    other_account: PersonalAccount
    stranger: Actor
    sibling: PersonalAccount  # another account of the same company, not in the actor's scope


def make_world(session: Session, **account_fields) -> World:
    org = make_org(session)
    values = dict(delivery_emails=["buh@example.test", "chief@example.test"])
    values.update(account_fields)
    account = make_account(session, org, **values)
    sibling = make_account(session, org)
    role = Role.SIP_ADMIN if account.kind == AccountKind.SIP else Role.ADMINISTRATOR  # each kind's own cabinet
    user = make_user(session, org, [account], full_name="Петрова Анна Ивановна", roles=[role])
    other_org = make_org(session)
    other_account = make_account(session, other_org)
    stranger = make_user(session, other_org, [other_account])
    session.commit()
    return World(org=org, account=account, user=user, actor=make_actor(user, [account]), other_org=other_org,
                 other_account=other_account, stranger=make_actor(stranger, [other_account]), sibling=sibling)
