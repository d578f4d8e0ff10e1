"""Finance for the Administrator and the Supervisor (mobile and fixed accounts).

Here: the account's charges, balance and amount to pay (C1), the list of invoices (C2) and the delivery address
and format of invoices (C3). Payments and payment registration (C4, C5) live in `payments`, the orders that
become requests (C2 «Отправить счет», C6, C7) in `orders`, xlsx uploads in `uploads`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from cabinet.documents.invoice import find_format, format_options, format_title
from cabinet.models import ChargeLine, Invoice, Organization, Subscriber
from cabinet.models.base import ACCOUNT_KIND_TITLES
from cabinet.services import audit, validation
from cabinet.services.access import COMPANY, EVERY_CABINET, SIP, Actor, account_for, serves
from cabinet.services.errors import DomainError
from cabinet.services.finance import delivery_confirmation
from cabinet.services.finance.payments import last_regular_invoice
from cabinet.text import month_short, month_title

CENT = Decimal("0.01")


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


@serves(EVERY_CABINET)
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


# --- C1: charges by month, the subscribers charged most -------------------------------------------------------

@dataclass(frozen=True)
class MonthCharge:
    period: dt.date  # first day of the billed month
    title: str  # «Окт 2026»
    amount: Decimal


@dataclass(frozen=True)
class SubscriberCharge:
    number: str
    name: str
    amount: Decimal


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


@serves(COMPANY)
def charges_by_month(session: Session, *, actor: Actor, account_id: int, months: int = 12) -> list[MonthCharge]:
    """The amounts of the last `months` regular invoices, oldest first."""
    account = account_for(session, actor, account_id)
    months = min(max(int(months), 1), 36)
    rows = session.exec(
        select(Invoice.period, Invoice.amount)
        .where(Invoice.account_id == account.id, Invoice.is_regular.is_(True))
        .order_by(Invoice.period.desc())
        .limit(months)
    ).all()
    return [MonthCharge(period=period, title=month_short(period), amount=_money(amount))
            for period, amount in reversed(rows)]


@serves(COMPANY)
def top_subscribers(session: Session, *, actor: Actor, account_id: int, limit: int = 10) -> list[SubscriberCharge]:
    """The subscribers charged most in the last regular invoice (its charge lines summed per subscriber)."""
    account = account_for(session, actor, account_id)
    last = last_regular_invoice(session, account.id)
    if last is None:
        return []
    total = func.sum(ChargeLine.amount).label("total")
    rows = session.exec(
        select(Subscriber.number, Subscriber.name, total)
        .join(Subscriber, Subscriber.id == ChargeLine.subscriber_id)
        .where(ChargeLine.invoice_id == last.id, Subscriber.account_id == account.id)
        .group_by(Subscriber.id, Subscriber.number, Subscriber.name)
        .order_by(total.desc(), Subscriber.number)
        .limit(min(max(int(limit), 1), 100))
    ).all()
    return [SubscriberCharge(number=number, name=name or "", amount=_money(amount)) for number, name, amount in rows]


# --- C2: the invoices -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InvoiceRow:
    id: int
    period: dt.date
    title: str  # «Октябрь 2026»
    number: str
    amount: Decimal
    paid: bool


@serves(COMPANY)
def list_invoices(session: Session, *, actor: Actor, account_id: int) -> list[InvoiceRow]:
    """The account's regular invoices, newest first."""
    account = account_for(session, actor, account_id)
    invoices = session.exec(
        select(Invoice)
        .where(Invoice.account_id == account.id, Invoice.is_regular.is_(True))
        .order_by(Invoice.period.desc(), Invoice.id.desc())
    ).all()
    return [InvoiceRow(id=i.id, period=i.period, title=month_title(i.period), number=i.number,
                       amount=_money(i.amount), paid=i.is_paid) for i in invoices]


# --- C3: delivery address and invoice format -----------------------------------------------------------------

DELIVERY_METHODS = {"email": "E-mail", "self": "Получает сам"}
MAX_DELIVERY_EMAILS = 5


@dataclass(frozen=True)
class DeliverySettings:
    method: str  # email | self
    emails: list[str]
    invoice_format: str  # a code of cabinet.documents.invoice.INVOICE_FORMATS: pdf | xlsx | txt
    method_title: str = ""  # «E-mail» | «Получает сам»
    format_title: str = ""  # «PDF» | «Excel» | «txt»
    format_options: list[tuple[str, str]] = field(default_factory=list)  # (code, title) of every format, in order
    notice: str = ""  # after a change: the addresses that were sent a link to confirm them, and where invoices go


def _settings(account, notice: str = "") -> DeliverySettings:
    return DeliverySettings(
        method=account.delivery_method,
        emails=list(account.delivery_emails or []),
        invoice_format=account.invoice_format,
        method_title=DELIVERY_METHODS.get(account.delivery_method, account.delivery_method),
        format_title=format_title(account.invoice_format),
        format_options=format_options(),
        notice=notice,
    )


@serves(EVERY_CABINET)
def delivery_settings(session: Session, *, actor: Actor, account_id: int) -> DeliverySettings:
    return _settings(account_for(session, actor, account_id))


def parse_emails(value: list[str] | str | None) -> list[str]:
    """Addresses from a list or from text separated by commas, semicolons or new lines: each one checked (the
    message names the bad one), lower-cased, duplicates dropped, the order kept."""
    parts = [value] if isinstance(value, str) else list(value or [])
    found: list[str] = []
    for part in parts:
        for piece in re.split(r"[,;\r\n]+", part or ""):
            if not piece.strip():
                continue
            address = validation.email(piece)
            if address not in found:
                found.append(address)
    return found


def check_delivery_emails(value: list[str] | str | None, *, required: bool = True) -> list[str]:
    """The delivery addresses typed, as `parse_emails` reads them: at most MAX_DELIVERY_EMAILS, at least one when
    `required` (invoices are e-mailed). The step of a form that takes them is left only when this passes."""
    addresses = parse_emails(value)
    if len(addresses) > MAX_DELIVERY_EMAILS:
        raise DomainError(f"Можно указать не более {MAX_DELIVERY_EMAILS} адресов доставки, указано {len(addresses)}.")
    if required and not addresses:
        raise DomainError("Укажите хотя бы один адрес электронной почты для доставки счетов.")
    return addresses


@serves(EVERY_CABINET)
def update_delivery(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    emails: list[str] | str,
    invoice_format: str,
    method: str = "email",
) -> DeliverySettings:
    """Change where and in what format the account's invoices are delivered (C3, P7). An address the account does
    not have yet is only sent a link to confirm it (`delivery_confirmation`); until it is confirmed the account
    keeps the addresses asked for that it already has or, when it has none of them, its delivery as it was."""
    account = account_for(session, actor, account_id)
    method = (method or "").strip().lower()
    if method not in DELIVERY_METHODS:
        raise DomainError("Выберите способ доставки счетов: E-mail или «Получает сам».")
    chosen = find_format(invoice_format)
    if chosen is None:
        *titles, last = (title for _, title in format_options())
        raise DomainError(f"Выберите формат счета: {', '.join(titles)} или {last}.")
    invoice_format = chosen.code
    addresses = check_delivery_emails(emails, required=method == "email")
    before = _settings(account)
    known = [a for a in addresses if a in before.emails]
    awaiting = [a for a in addresses if a not in before.emails]
    if known or method == "self" or not awaiting:  # fewer recipients, or none: safe at once
        account.delivery_method, account.delivery_emails = method, known
    account.invoice_format = invoice_format
    session.add(account)
    audit.record(
        session,
        action=delivery_confirmation.CHANGED,
        actor=actor,
        account_id=account.id,
        object_kind="account",
        object_id=account.id,
        method_before=before.method,
        method=method,
        emails_before=", ".join(before.emails),
        emails=", ".join(account.delivery_emails),
        awaiting_confirmation=", ".join(awaiting),
        format_before=before.invoice_format,
        format=invoice_format,
    )
    session.flush()
    if not awaiting:
        return _settings(account)
    delivery_confirmation.mail_confirmation_links(session, actor=actor, account=account, addresses=awaiting,
                                                  asked=addresses, method=method)
    return _settings(account, delivery_confirmation.notice(awaiting, account.delivery_emails,
                                                           account.delivery_method))


# --- P1: «Персональная информация» of the SIP account ---------------------------------------------------------

@dataclass(frozen=True)
class PersonalInformation:
    """P1 «Персональная информация»: the client's requisites, the account and how its invoices are delivered,
    with the figures of the account summary."""

    summary: AccountSummary
    organization_name: str
    unp: str
    legal_address: str
    bank_details: str
    contract: str  # «№ 17/2019 от 12.03.2019»
    opened_on: dt.date
    payment_form: str
    delivery: DeliverySettings


@serves(SIP)
def personal_information(session: Session, *, actor: Actor, account_id: int) -> PersonalInformation:
    account = account_for(session, actor, account_id)
    organization = session.get(Organization, account.organization_id)
    number = f"№ {organization.contract_number} " if organization.contract_number else ""
    return PersonalInformation(
        summary=account_summary(session, actor=actor, account_id=account.id),
        organization_name=organization.name, unp=organization.unp, legal_address=organization.legal_address,
        bank_details=organization.bank_details, contract=f"{number}от {organization.contract_date:%d.%m.%Y}",
        opened_on=account.opened_on, payment_form=account.payment_form, delivery=_settings(account),
    )


@dataclass(frozen=True)
class MainPage:
    """Everything the main page shows (C1): the figures, charges by month, the top subscribers."""

    summary: AccountSummary
    by_month: list[MonthCharge]
    top: list[SubscriberCharge]


@serves(COMPANY)
def main_page(session: Session, *, actor: Actor, account_id: int) -> MainPage:
    return MainPage(
        summary=account_summary(session, actor=actor, account_id=account_id),
        by_month=charges_by_month(session, actor=actor, account_id=account_id),
        top=top_subscribers(session, actor=actor, account_id=account_id),
    )


# --- page views: what one page load shows, in one unit of work -------------------------------------------------

@dataclass(frozen=True)
class InvoicesPage:
    """«Счета» (C2, C3): the account's invoices and how they are delivered."""

    invoices: list[InvoiceRow]
    delivery: DeliverySettings


@serves(COMPANY)
def invoices_page(session: Session, *, actor: Actor, account_id: int) -> InvoicesPage:
    return InvoicesPage(invoices=list_invoices(session, actor=actor, account_id=account_id),
                        delivery=delivery_settings(session, actor=actor, account_id=account_id))
