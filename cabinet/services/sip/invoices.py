"""The SIP administrator's «Счета»: «Заказать счет на E-mail» (P5) and «Загрузить счет по ссылке» (P6), each for
one of the two previous months; «Детализация на E-mail» (P8) for the current or the previous month and the
«SIP-соединение» subscriber.

P5 sends the regular invoice, through the request worker, to the address the organisation gave in its
application for the SIP cabinet (the organisation's contact e-mail). P6 hands out a link: a token signed with
the server's key that names the user, the account and the invoice and expires after LINK_LIFETIME; the download
checks the signature, the expiry and, again, that this user may still see that account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from cabinet import clock
from cabinet.clock import add_months
from cabinet.documents.common import RenderedDocument
from cabinet.documents.invoice import format_or_default, load_invoice, render_invoice
from cabinet.models import Invoice, Organization, PersonalAccount, Subscriber, Tariff, User
from cabinet.services import audit
from cabinet.services.access import BY_LINK, SIP, Actor, account_for, account_ids_for, serves
from cabinet.services.auth import links
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance.billing import DeliverySettings, delivery_settings
from cabinet.services.finance.orders import mail_invoice, order_call_detail
from cabinet.services.requests.store import OrderResult
from cabinet.services.subscribers.choice import Choice
from cabinet.text import month_words

MONTHS_BACK = 2
LINK_LIFETIME = dt.timedelta(hours=1)
LINK_PATH = "/api/sip/invoice"
LINK_PURPOSE = "invoice-link"
BAD_LINK = "Ссылка на счет недействительна или устарела. Получите новую ссылку в разделе «Счета»."


@dataclass(frozen=True)
class InvoiceMonth:
    year: int
    month: int
    title: str  # «октябрь 2026»
    invoice_id: int | None  # the regular invoice of that month, None before it is issued


@dataclass(frozen=True)
class InvoiceLink:
    url: str  # the path with its token
    title: str  # «Счет за октябрь 2026»
    expires_at: dt.datetime


@serves(SIP)
def invoice_months(session: Session, *, actor: Actor, account_id: int) -> list[InvoiceMonth]:
    """The two previous months, the latest first, each with its regular invoice if issued."""
    account = account_for(session, actor, account_id)
    periods = [add_months(clock.today().replace(day=1), -back) for back in range(1, MONTHS_BACK + 1)]
    issued: dict[dt.date, int] = dict(session.exec(
        select(Invoice.period, Invoice.id).where(
            Invoice.account_id == account.id, Invoice.is_regular.is_(True), Invoice.period.in_(periods))
    ).all())
    return [InvoiceMonth(p.year, p.month, month_words(p), issued.get(p)) for p in periods]


def _invoice_of(session: Session, actor: Actor, account_id: int, year: int, month: int):
    account = account_for(session, actor, account_id)
    try:
        period = dt.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise DomainError("Выберите месяц из предложенных.") from None
    months = {(m.year, m.month): m for m in invoice_months(session, actor=actor, account_id=account.id)}
    chosen = months.get((period.year, period.month))
    if chosen is None:
        raise DomainError("Счет можно получить только за два предыдущих месяца.")
    if chosen.invoice_id is None:
        raise DomainError(f"Счет за {chosen.title} еще не выставлен.")
    return account, session.get(Invoice, chosen.invoice_id)


@serves(SIP)
def order_sip_invoice(
    session: Session, *, actor: Actor, account_id: int, year: int, month: int, idempotency_key: str
) -> OrderResult:
    """P5: e-mail the month's invoice to the organisation's address for the SIP cabinet."""
    account, invoice = _invoice_of(session, actor, account_id, year, month)
    return mail_invoice(session, actor=actor, account=account, invoice=invoice,
                        recipients=organisation_address(session, account), idempotency_key=idempotency_key)


def organisation_address(session: Session, account: PersonalAccount) -> list[str]:
    """Where the SIP cabinet's documents go: the address of the organisation's application for it."""
    organization = session.get(Organization, account.organization_id)
    if not organization.contact_email:
        raise DomainError("Адрес электронной почты организации не указан. Обратитесь к вашему менеджеру.")
    return [organization.contact_email]


# --- P8: «Детализация на E-mail» -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Connection:
    id: int
    number: str
    name: str


@serves(SIP)
def sip_connections(session: Session, *, actor: Actor, account_id: int) -> list[Connection]:
    """The account's «SIP-соединение» subscribers: the ones call detail is ordered for."""
    account = account_for(session, actor, account_id)
    rows = session.exec(
        select(Subscriber.id, Subscriber.number, Subscriber.name).join(Tariff, Tariff.id == Subscriber.tariff_id)
        .where(Subscriber.account_id == account.id, Tariff.is_sip_connection.is_(True)).order_by(Subscriber.number)
    ).all()
    return [Connection(i, number, name or "") for i, number, name in rows]


def detail_months() -> list[tuple[int, int, str]]:
    """P8: the current and the previous month, (year, month, «ноябрь 2026»)."""
    current = clock.today().replace(day=1)
    return [(p.year, p.month, month_words(p)) for p in (current, add_months(current, -1))]


@serves(SIP)
def order_sip_call_detail(
    session: Session, *, actor: Actor, account_id: int, year: int, month: int, layout: str, subscriber_id: int,
    idempotency_key: str,
) -> OrderResult:
    """P8: call detail of the «SIP-соединение» subscriber for the current or the previous month, e-mailed by the
    worker to the organisation's address."""
    account = account_for(session, actor, account_id)
    if (_as_int(year), _as_int(month)) not in {(y, m) for y, m, _ in detail_months()}:
        raise DomainError("Детализация на E-mail доступна за текущий и прошлый месяц.")
    ticked = _as_int(subscriber_id)
    if ticked not in {c.id for c in sip_connections(session, actor=actor, account_id=account.id)}:
        raise DomainError("Отметьте абонента с тарифным планом «SIP-соединение».")
    ordered = order_call_detail(session, actor=actor, account_id=account.id, year=year, month=month,
                                choice=Choice(subscriber_ids=[ticked]), layout=layout,
                                idempotency_key=idempotency_key, recipients=organisation_address(session, account))
    return replace(ordered, message=ordered.message.replace("будет отправлена", "будет отправлена в течение суток"))


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@serves(SIP)
def invoice_link(session: Session, *, actor: Actor, account_id: int, year: int, month: int) -> InvoiceLink:
    """P6: a link to download the month's invoice, for this user and this account, valid for LINK_LIFETIME."""
    account, invoice = _invoice_of(session, actor, account_id, year, month)
    expires = clock.now() + LINK_LIFETIME
    token = links.signed(LINK_PURPOSE, {"u": actor.user_id, "r": actor.role, "a": account.id, "i": invoice.id},
                         expires=expires)
    audit.record(session, action="invoice.link", actor=actor, account_id=account.id, object_kind="invoice",
                 object_id=invoice.id, expires_at=expires.isoformat(timespec="minutes"))
    return InvoiceLink(url=f"{LINK_PATH}?token={token}", title=f"Счет за {month_words(invoice.period)}",
                       expires_at=expires)


@serves(BY_LINK)
def download_by_link(session: Session, *, token: str) -> RenderedDocument:
    """The invoice a link names, rendered in the account's format; AccessDenied for a forged, expired or
    foreign link."""
    fields = links.unsigned(LINK_PURPOSE, token, refusal=BAD_LINK)
    try:
        user_id, role, account_id, invoice_id = int(fields["u"]), str(fields["r"]), int(fields["a"]), int(fields["i"])
    except (ValueError, KeyError, TypeError):
        raise AccessDenied(BAD_LINK) from None
    user = session.get(User, user_id)
    account = session.get(PersonalAccount, account_id)
    invoice = session.get(Invoice, invoice_id)
    if (user is None or account is None or invoice is None or invoice.account_id != account.id
            or role not in user.roles or account.id not in account_ids_for(session, user, role)):
        raise AccessDenied(BAD_LINK)  # forged, or this user may no longer see the account
    return render_invoice(load_invoice(session, invoice.id), format_or_default(account.invoice_format).code)


# --- page view: what one load of the SIP administrator's «Счета» shows, in one unit of work --------------------


@dataclass(frozen=True)
class SipInvoicesPage:
    """The months an invoice may be ordered for, and how invoices are delivered."""

    months: list[InvoiceMonth]
    delivery: DeliverySettings


@serves(SIP)
def sip_invoices_page(session: Session, *, actor: Actor, account_id: int) -> SipInvoicesPage:
    return SipInvoicesPage(months=invoice_months(session, actor=actor, account_id=account_id),
                           delivery=delivery_settings(session, actor=actor, account_id=account_id))
