"""«Платежи» (C4) and «Регистрация оплаты» (C5) for the Administrator and the Supervisor; the same for the SIP
administrator (P2 «Информация по платежам», P3 «История гарантийных обязательств», P4 «Регистрация платежей»),
where registration is open only to clients whose contract has run for more than three months.

A registration is passed to the operator as a request («Регистрация оплаты»): while the worker has not claimed it,
the user may correct its amount or withdraw it. Both are one conditional UPDATE of the request's item (still waiting,
claimed by no worker), so the worker and the user can never both have it: whoever writes first wins, the other is
told so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, update
from sqlmodel import Session, select

from cabinet import clock
from cabinet.clock import add_months
from cabinet.delivery import leases
from cabinet.models import (
    AccountKind,
    GuaranteePayment,
    Invoice,
    ItemStatus,
    Organization,
    Payment,
    PersonalAccount,
    Request,
    RequestItem,
    RequestKind,
    RequestStatus,
    User,
)
from cabinet.services import audit, validation
from cabinet.services.access import EVERY_CABINET, Actor, account_for, serves
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft
from cabinet.text import ddmmyyyy, money, month_words

CENT = Decimal("0.01")
PAYMENT_MONTHS = 12
MAX_PAYMENT_ROWS = 500
REGISTRATION_DAY = 10  # registration is open until this day of the month after the billed one
SIP_CONTRACT_MONTHS = 3  # P4: only for contracts that have run for more than this

WITHDRAWN = "withdrawn"
GUARANTEE_STATUS_TITLES = {"registered": "Зарегистрирована", "confirmed": "Подтверждена", "expired": "Просрочена",
                           WITHDRAWN: "Отозвана"}
BEING_PROCESSED = "Заявка уже обрабатывается: изменить или отозвать регистрацию оплаты нельзя."


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def last_regular_invoice(session: Session, account_id: int) -> Invoice | None:
    return session.exec(
        select(Invoice)
        .where(Invoice.account_id == account_id, Invoice.is_regular.is_(True))
        .order_by(Invoice.period.desc(), Invoice.id.desc())
    ).first()


# --- C4: payments ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentRow:
    paid_on: dt.date
    amount: Decimal
    method: str
    reference: str


@dataclass(frozen=True)
class PaymentList:
    date_from: dt.date
    date_to: dt.date
    rows: list[PaymentRow]  # newest first, at most MAX_PAYMENT_ROWS
    total: Decimal  # of every payment in the period
    count: int  # of every payment in the period


def payments_limits() -> tuple[dt.date, dt.date]:
    """The earliest and the latest day a payment list may cover: 12 months back (same day number) .. today."""
    today = clock.today()
    return add_months(today, -PAYMENT_MONTHS), today


def payments_period_errors(date_from: dt.date | None, date_to: dt.date | None) -> dict[str, str]:
    """What is wrong with a period of payments, by field ("date_from", "date_to"); empty when it may be shown:
    both dates given, within the last 12 months, none in the future, the start not after the end."""
    earliest, today = payments_limits()
    return validation.period_errors(
        date_from, date_to, earliest=earliest, today=today,
        too_early=f"Платежи доступны за последние {PAYMENT_MONTHS} месяцев: с {ddmmyyyy(earliest)}.")


@serves(EVERY_CABINET)
def list_payments(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> PaymentList:
    """Payments in a period: the current month by default, any range within the last 12 months."""
    account = account_for(session, actor, account_id)
    _, today = payments_limits()
    if date_to is None:
        date_to = today
    if date_from is None:
        date_from = min(date_to, today).replace(day=1)
    errors = payments_period_errors(date_from, date_to)
    if errors:
        raise DomainError(next(iter(errors.values())))
    in_period = (Payment.account_id == account.id, Payment.paid_on >= date_from, Payment.paid_on <= date_to)
    count, total = session.exec(
        select(func.count(Payment.id), func.coalesce(func.sum(Payment.amount), 0)).where(*in_period)
    ).one()
    payments = session.exec(
        select(Payment).where(*in_period).order_by(Payment.paid_on.desc(), Payment.id.desc()).limit(MAX_PAYMENT_ROWS)
    ).all()
    rows = [PaymentRow(paid_on=p.paid_on, amount=_money(p.amount), method=p.method, reference=p.reference)
            for p in payments]
    return PaymentList(date_from=date_from, date_to=date_to, rows=rows, total=_money(total), count=count)


# --- C5: payment registration --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisteredPayment:
    id: int
    registered_at: dt.datetime
    amount: Decimal
    invoice_title: str  # «Счет за октябрь 2026»
    author: str
    status: str  # «Зарегистрирована» | «Подтверждена» | «Просрочена» | «Отозвана»
    waiting: bool = False  # its request is not claimed yet: it may be corrected or withdrawn


@dataclass(frozen=True)
class RegistrationStatus:
    allowed: bool
    reason: str  # why not (or, when allowed, until when)
    invoice_title: str  # «Счет за октябрь 2026», "" without invoices
    amount_due: Decimal  # what is left to pay on the last regular invoice
    deadline: dt.date | None  # the 10th of the month after the billed one
    registered: list[RegisteredPayment]  # this account's registrations, newest first
    account_number: str = ""


def _invoice_title(period: dt.date) -> str:
    return f"Счет за {month_words(period)}"


def registration_deadline(invoice: Invoice) -> dt.date:
    return add_months(invoice.period.replace(day=1), 1).replace(day=REGISTRATION_DAY)


def sip_registration_opens(contract_date: dt.date) -> dt.date:
    """P4: the first day the contract has run for more than three months."""
    return add_months(contract_date, SIP_CONTRACT_MONTHS) + dt.timedelta(days=1)


def _refusal(session: Session, account: PersonalAccount, last: Invoice | None) -> str | None:
    """Why a payment may not be registered now, or None when it may. The manual: «Регистрация оплаты доступна
    до 10 числа следующего месяца при условии неоплаты только последнего регулярного счета»."""
    account_id = account.id
    if account.kind == AccountKind.SIP.value:
        contract_date = session.get(Organization, account.organization_id).contract_date
        opens = sip_registration_opens(contract_date)
        if clock.today() < opens:
            return ("Регистрация платежей доступна клиентам, у которых срок действия договора составляет более "
                    f"трех месяцев. Договор заключен {ddmmyyyy(contract_date)}: регистрация станет доступна "
                    f"{ddmmyyyy(opens)}.")
    if last is None:
        return "Счета еще не выставлялись: регистрация оплаты не требуется."
    if last.is_paid:
        return "Последний счет оплачен: регистрация не требуется."
    registered = session.exec(
        select(GuaranteePayment.id).where(
            GuaranteePayment.account_id == account_id, GuaranteePayment.invoice_id == last.id,
            GuaranteePayment.status != WITHDRAWN,
        )
    ).first()
    if registered is not None:
        return f"Оплата по счету за {month_words(last.period)} уже зарегистрирована."
    earlier = session.exec(
        select(Invoice.period)
        .where(
            Invoice.account_id == account_id,
            Invoice.is_regular.is_(True),
            Invoice.period < last.period,
            Invoice.paid_amount < Invoice.amount,
        )
        .order_by(Invoice.period.desc())
    ).all()
    if earlier:
        shown = ", ".join(month_words(period) for period in earlier[:5])
        more = f" и еще {len(earlier) - 5}" if len(earlier) > 5 else ""
        return f"Есть неоплаченные счета кроме последнего: за {shown}{more}. Регистрация оплаты недоступна."
    deadline = registration_deadline(last)
    if clock.today() > deadline:
        return (f"Регистрация оплаты доступна до {ddmmyyyy(deadline)}: "
                f"срок регистрации оплаты по счету за {month_words(last.period)} истек.")
    return None


def _request_key(guarantee_id: int) -> str:
    """The idempotency key of the request of a registration: one request per registration, found by it."""
    return f"payment-registration-{guarantee_id}"


def _unclaimed(now: dt.datetime) -> list:
    """The conditions of a request's item that no worker has claimed (or whose worker's lease ran out): the only
    state in which the user may still change the registration."""
    return [RequestItem.status == ItemStatus.WAITING.value, leases.lease_free(RequestItem, now)]


def _waiting_keys(session: Session, guarantee_ids: list[int]) -> set[str]:
    if not guarantee_ids:
        return set()
    return set(session.exec(
        select(Request.idempotency_key)
        .join(RequestItem, RequestItem.request_id == Request.id)
        .where(Request.idempotency_key.in_([_request_key(g) for g in guarantee_ids]),
               *_unclaimed(clock.now()))
    ).all())


def _registered(session: Session, account_id: int) -> list[RegisteredPayment]:
    rows = session.exec(
        select(GuaranteePayment, Invoice.period, User.full_name, User.login)
        .join(User, User.id == GuaranteePayment.user_id)
        .outerjoin(Invoice, Invoice.id == GuaranteePayment.invoice_id)
        .where(GuaranteePayment.account_id == account_id)
        .order_by(GuaranteePayment.registered_at.desc(), GuaranteePayment.id.desc())
        .limit(100)
    ).all()
    waiting = _waiting_keys(session, [g.id for g, *_ in rows if g.status == "registered"])
    return [
        RegisteredPayment(
            id=g.id,
            registered_at=g.registered_at,
            amount=_money(g.amount),
            invoice_title=_invoice_title(period) if period else "",
            author=full_name or login,
            status=GUARANTEE_STATUS_TITLES.get(g.status, g.status),
            waiting=_request_key(g.id) in waiting,
        )
        for g, period, full_name, login in rows
    ]


@serves(EVERY_CABINET)
def payment_registration(session: Session, *, actor: Actor, account_id: int) -> RegistrationStatus:
    """Whether a payment may be registered now, why not, and the registrations made so far."""
    account = account_for(session, actor, account_id)
    last = last_regular_invoice(session, account.id)
    refusal = _refusal(session, account, last)
    deadline = registration_deadline(last) if last else None
    return RegistrationStatus(
        allowed=refusal is None,
        reason=refusal or f"Регистрация оплаты доступна до {ddmmyyyy(deadline)}.",
        invoice_title=_invoice_title(last.period) if last else "",
        amount_due=_money(last.amount - last.paid_amount) if last and not last.is_paid else Decimal("0.00"),
        deadline=deadline,
        registered=_registered(session, account.id),
        account_number=account.number,
    )


def parse_amount(value: Decimal | str | int | float | None, *, due: Decimal) -> Decimal:
    """A positive sum in rubles with at most 2 decimals, not above what is due; empty means the amount due."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return due
    text = str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError("Введите сумму числом, например 125,40.") from None
    if not amount.is_finite():
        raise DomainError("Введите сумму числом, например 125,40.")
    if amount <= 0:
        raise DomainError("Сумма оплаты должна быть больше нуля.")
    if amount != amount.quantize(CENT):
        raise DomainError("Сумма указывается в рублях и копейках: не более двух знаков после запятой.")
    if amount > due:
        raise DomainError(f"Сумма не может быть больше суммы к оплате: {money(due)}")
    return amount.quantize(CENT)


@serves(EVERY_CABINET)
def check_registration_amount(
    session: Session, *, actor: Actor, account_id: int, amount: Decimal | str | None = None
) -> Decimal:
    """The amount a registration would be made for, checked as `register_payment` checks it, without registering:
    what the confirmation names before the user confirms."""
    account = account_for(session, actor, account_id)
    last = last_regular_invoice(session, account.id)
    refusal = _refusal(session, account, last)
    if refusal is not None:
        raise DomainError(refusal)
    return parse_amount(amount, due=_due(last))


def _due(invoice: Invoice) -> Decimal:
    return _money(invoice.amount - invoice.paid_amount)


def _summary(amount: Decimal, invoice: Invoice) -> str:
    return f"Оплата {money(amount)} по счету за {month_words(invoice.period)}"


@serves(EVERY_CABINET)
def register_payment(
    session: Session, *, actor: Actor, account_id: int, amount: Decimal | str | None = None
) -> RegisteredPayment:
    """«Регистрация оплаты» of the last regular invoice (C5); the amount due when no amount is given. The
    registration is passed to the operator by a request, which the worker carries out."""
    account = account_for(session, actor, account_id)
    last = last_regular_invoice(session, account.id)
    if last is not None:
        # Lock the invoice (PostgreSQL), so two registrations at once cannot both pass the checks below.
        last = session.exec(select(Invoice).where(Invoice.id == last.id).with_for_update()).one()
    refusal = _refusal(session, account, last)
    if refusal is not None:
        raise DomainError(refusal)
    value = parse_amount(amount, due=_money(last.amount - last.paid_amount))
    user = session.get(User, actor.user_id)
    guarantee = GuaranteePayment(account_id=account.id, invoice_id=last.id, user_id=actor.user_id, amount=value,
                                 registered_at=clock.now(), status="registered")
    session.add(guarantee)
    session.flush()
    store.submit_request(session, actor=actor, account_id=account.id, kind=RequestKind.PAYMENT_REGISTRATION,
                         params={"guarantee_id": guarantee.id}, items=[ItemDraft(params={"guarantee_id": guarantee.id})],
                         idempotency_key=_request_key(guarantee.id), summary=_summary(value, last))
    audit.record(
        session,
        action="payment.registered",
        actor=actor,
        account_id=account.id,
        object_kind="guarantee_payment",
        object_id=guarantee.id,
        invoice_id=last.id,
        amount=value,
    )
    session.flush()
    return RegisteredPayment(
        id=guarantee.id,
        registered_at=guarantee.registered_at,
        amount=value,
        invoice_title=_invoice_title(last.period),
        author=(user.full_name or user.login) if user else "",
        status=GUARANTEE_STATUS_TITLES["registered"],
        waiting=True,
    )


# --- correcting or withdrawing a registration while its request waits ------------------------------------------

def _registration_of(session: Session, actor: Actor, account_id: int, guarantee_id: int
                     ) -> tuple[PersonalAccount, GuaranteePayment, Request, Invoice]:
    """The registration named, on an account of the actor, with its request and its invoice."""
    account = account_for(session, actor, account_id)
    guarantee = session.get(GuaranteePayment, int(guarantee_id or 0))
    if guarantee is None or guarantee.account_id != account.id:
        raise AccessDenied()  # another company's and a missing one alike
    request = session.exec(select(Request).where(Request.idempotency_key == _request_key(guarantee.id))).first()
    invoice = session.get(Invoice, guarantee.invoice_id) if guarantee.invoice_id else None
    if request is None or invoice is None or request.account_id != account.id:
        raise DomainError("Эта регистрация оплаты уже передана оператору: изменить или отозвать ее нельзя.")
    if guarantee.status == WITHDRAWN:
        raise DomainError("Эта регистрация оплаты уже отозвана.")
    return account, guarantee, request, invoice


def _take_waiting_item(session: Session, request: Request, **values) -> None:
    """Write `values` to the request's item if it still waits for the worker, else refuse: a conditional UPDATE, so
    the worker's claim (also a conditional UPDATE of that row) and this cannot both succeed."""
    now = clock.now()
    taken = session.execute(
        update(RequestItem).where(RequestItem.request_id == request.id, *_unclaimed(now)).values(**values)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        finished = session.exec(select(Request.finished_at).where(Request.id == request.id)).one()
        if finished is not None:
            raise DomainError("Регистрация оплаты уже передана оператору: изменить или отозвать ее нельзя.")
        raise DomainError(BEING_PROCESSED)


def _shown(session: Session, guarantee: GuaranteePayment, invoice: Invoice, *, waiting: bool) -> RegisteredPayment:
    user = session.get(User, guarantee.user_id)
    return RegisteredPayment(
        id=guarantee.id, registered_at=guarantee.registered_at, amount=_money(guarantee.amount),
        invoice_title=_invoice_title(invoice.period), author=(user.full_name or user.login) if user else "",
        status=GUARANTEE_STATUS_TITLES.get(guarantee.status, guarantee.status), waiting=waiting,
    )


@serves(EVERY_CABINET)
def check_correction_amount(
    session: Session, *, actor: Actor, account_id: int, guarantee_id: int, amount: Decimal | str | None
) -> Decimal:
    """The new amount of a waiting registration, checked as `correct_payment_registration` checks it, without
    changing anything: while a refusal stands beside the field, each change of it is checked again."""
    *_, invoice = _registration_of(session, actor, account_id, guarantee_id)
    return parse_amount(amount, due=_due(invoice))


@serves(EVERY_CABINET)
def correct_payment_registration(
    session: Session, *, actor: Actor, account_id: int, guarantee_id: int, amount: Decimal | str | None
) -> RegisteredPayment:
    """A new amount for a registration whose request the worker has not claimed yet («Изменить»)."""
    account, guarantee, request, invoice = _registration_of(session, actor, account_id, guarantee_id)
    value = parse_amount(amount, due=_due(invoice))
    _take_waiting_item(session, request, params={"guarantee_id": guarantee.id, "amount": str(value)})
    before = _money(guarantee.amount)
    guarantee.amount = value
    request.summary = _summary(value, invoice)
    session.add_all([guarantee, request])
    audit.record(session, action="payment.corrected", actor=actor, account_id=account.id,
                 object_kind="guarantee_payment", object_id=guarantee.id, amount_before=before, amount=value)
    session.flush()
    return _shown(session, guarantee, invoice, waiting=True)


@serves(EVERY_CABINET)
def withdraw_payment_registration(
    session: Session, *, actor: Actor, account_id: int, guarantee_id: int
) -> RegisteredPayment:
    """«Отозвать» a registration whose request the worker has not claimed yet: the request ends as «Отозвана»."""
    account, guarantee, request, invoice = _registration_of(session, actor, account_id, guarantee_id)
    now = clock.now()
    _take_waiting_item(session, request, status=ItemStatus.REFUSED.value, result="Отозвана", processed_at=now)
    session.execute(
        update(Request).where(Request.id == request.id, Request.finished_at.is_(None))
        .values(status=RequestStatus.WITHDRAWN.value, finished_at=now, started_at=func.coalesce(Request.started_at, now),
                refused_items=1, done_items=0)
        .execution_options(synchronize_session=False)
    )
    guarantee.status = WITHDRAWN
    session.add(guarantee)
    audit.record(session, action="payment.withdrawn", actor=actor, account_id=account.id,
                 object_kind="guarantee_payment", object_id=guarantee.id, amount=_money(guarantee.amount))
    session.flush()
    return _shown(session, guarantee, invoice, waiting=False)


# --- page view: what one load of «Платежи» shows, in one unit of work ------------------------------------------

@dataclass(frozen=True)
class PaymentsPage:
    """«Платежи» (C4, C5, P2–P4): the payments of the current month and the registration of a payment."""

    payments: PaymentList
    registration: RegistrationStatus


@serves(EVERY_CABINET)
def payments_page(session: Session, *, actor: Actor, account_id: int) -> PaymentsPage:
    return PaymentsPage(payments=list_payments(session, actor=actor, account_id=account_id),
                        registration=payment_registration(session, actor=actor, account_id=account_id))
