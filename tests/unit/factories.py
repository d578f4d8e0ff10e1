"""Small builders of the rows tests need. Each adds to the session and flushes (ids known), never commits."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

from sqlmodel import Session, select

from cabinet import bootstrap
from cabinet.models import (
    AccountKind,
    CallRecord,
    ChargeLine,
    Invoice,
    Organization,
    Payment,
    PersonalAccount,
    RequestItem,
    Role,
    Subscriber,
    SubscriberStatus,
    Tariff,
    User,
    UserAccount,
)
from cabinet.services.access import Actor
from cabinet.worker import Worker

_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


def make_org(session: Session, **fields) -> Organization:
    n = _next()
    values = dict(
        name=f"ООО «Тест {n}»",
        unp=f"{100000000 + n}"[:9],
        legal_address="г. Минск, ул. Тестовая, 1",
        contact_email=f"org{n}@example.test",
        contract_date=dt.date(2020, 1, 15),
    )
    values.update(fields)
    org = Organization(**values)
    session.add(org)
    session.flush()
    return org


def make_account(session: Session, org: Organization, kind: str = AccountKind.MOBILE, **fields) -> PersonalAccount:
    n = _next()
    values = dict(
        organization_id=org.id,
        number=f"{kind[:1].upper()}{300000000 + n}",
        kind=str(kind),
        opened_on=dt.date(2020, 2, 1),
        delivery_emails=[f"buh{n}@example.test"],
    )
    values.update(fields)
    account = PersonalAccount(**values)
    session.add(account)
    session.flush()
    return account


def make_user(
    session: Session,
    org: Organization,
    accounts: list[PersonalAccount] = (),
    roles: list[str] = (Role.ADMINISTRATOR,),
    **fields,
) -> User:
    n = _next()
    values = dict(
        organization_id=org.id,
        login_kind="phone",
        login=f"375{290000000 + n}",
        full_name=f"Иванов Иван {n}",
        roles=[str(r) for r in roles],
    )
    values.update(fields)
    user = User(**values)
    session.add(user)
    session.flush()
    for account in accounts:
        session.add(UserAccount(user_id=user.id, account_id=account.id))
    session.flush()
    return user


def make_tariff(session: Session, kind: str = AccountKind.MOBILE, **fields) -> Tariff:
    n = _next()
    values = dict(code=f"T{n}", name=f"Тариф {n}", kind=str(kind))
    values.update(fields)
    tariff = Tariff(**values)
    session.add(tariff)
    session.flush()
    return tariff


def default_tariff(session: Session, kind: str = AccountKind.MOBILE) -> Tariff:
    tariff = session.exec(select(Tariff).where(Tariff.kind == str(kind)).order_by(Tariff.id)).first()
    return tariff or make_tariff(session, kind)


def make_subscriber(session: Session, account: PersonalAccount, **fields) -> Subscriber:
    n = _next()
    values = dict(
        account_id=account.id,
        number=f"375{440000000 + n}",
        name=f"Абонент {n}",
        status=SubscriberStatus.ACTIVE,
        connected_on=dt.date(2021, 3, 1),
    )
    values.update(fields)
    if "tariff_id" not in values:
        values["tariff_id"] = default_tariff(session, account.kind).id
    subscriber = Subscriber(**values)
    session.add(subscriber)
    session.flush()
    return subscriber


def make_actor(user: User, accounts: list[PersonalAccount] = (), role: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        organization_id=user.organization_id,
        role=str(role or (user.roles[0] if user.roles else Role.ADMINISTRATOR)),
        accounts=frozenset((a.id, str(a.kind)) for a in accounts),
    )


def make_invoice(session: Session, account: PersonalAccount, period: dt.date = dt.date(2026, 10, 1), **fields) -> Invoice:
    """A regular invoice of the month `period`; amount 0 unless given (VAT = amount / 6 unless given)."""
    amount = Decimal(str(fields.pop("amount", "0.00")))
    values = dict(
        account_id=account.id,
        number=f"{account.number}-{period:%Y%m}-{_next()}",
        period=period,
        issued_on=(period + dt.timedelta(days=32)).replace(day=3),
        due_on=(period + dt.timedelta(days=32)).replace(day=25),
        amount=amount,
        vat=(amount / 6).quantize(Decimal("0.01")),
    )
    values.update(fields)
    invoice = Invoice(**values)
    session.add(invoice)
    session.flush()
    return invoice


def make_charge_line(session: Session, invoice: Invoice, **fields) -> ChargeLine:
    amount = Decimal(str(fields.pop("amount", "10.00")))
    values = dict(invoice_id=invoice.id, description="Абонентская плата", amount=amount,
                  vat=(amount / 6).quantize(Decimal("0.01")))
    values.update(fields)
    line = ChargeLine(**values)
    session.add(line)
    session.flush()
    return line


def make_payment(session: Session, account: PersonalAccount, **fields) -> Payment:
    values = dict(account_id=account.id, paid_on=dt.date(2026, 11, 10), amount=Decimal("10.00"))
    values.update(fields)
    if not isinstance(values["amount"], Decimal):
        values["amount"] = Decimal(str(values["amount"]))
    payment = Payment(**values)
    session.add(payment)
    session.flush()
    return payment


def make_call(session: Session, subscriber: Subscriber, **fields) -> CallRecord:
    values = dict(subscriber_id=subscriber.id, started_at=dt.datetime(2026, 10, 15, 12, 0), direction="out",
                  other_number="375291234567", kind="voice", network="own", duration_seconds=60,
                  cost=Decimal("0.03"))
    values.update(fields)
    if not isinstance(values["cost"], Decimal):
        values["cost"] = Decimal(str(values["cost"]))
    call = CallRecord(**values)
    session.add(call)
    session.flush()
    return call


# --- catalogue, SIM cards and the number pool (subscriber operations) -----------------------------------------

def make_service(session: Session, kind: str = AccountKind.MOBILE, **fields):
    from cabinet.models import Service

    n = _next()
    values = dict(code=f"S{n}", name=f"Услуга {n}", category="Звонки", kind=str(kind), monthly_fee=Decimal("1.00"))
    values.update(fields)
    service = Service(**values)
    session.add(service)
    session.flush()
    return service


def set_mode(session: Session, tariff: Tariff, service, mode: str = "allowed") -> None:
    """How `tariff` treats `service`: allowed | included | forbidden."""
    from cabinet.models import TariffService

    row = session.get(TariffService, (tariff.id, service.id)) or TariffService(tariff_id=tariff.id, service_id=service.id)
    row.mode = mode
    session.add(row)
    session.flush()


def make_conflict(session: Session, one, other) -> None:
    from cabinet.models import ServiceConflict

    session.add(ServiceConflict(service_id=min(one.id, other.id), other_service_id=max(one.id, other.id)))
    session.flush()


def connect_service(session: Session, subscriber: Subscriber, service, on: dt.date = dt.date(2024, 1, 1)) -> None:
    from cabinet.models import SubscriberService

    session.add(SubscriberService(subscriber_id=subscriber.id, service_id=service.id, connected_on=on))
    session.flush()


def make_sim(session: Session, org: Organization, state: str = "free", iccid: str | None = None):
    """A SIM card; by default with a valid ICCID (19 digits, the last the Luhn check digit)."""
    from cabinet.models import SimCard
    from cabinet.seed.rows import luhn_digit

    body = f"8937502{_next():011d}"
    sim = SimCard(iccid=iccid or body + luhn_digit(body), organization_id=org.id, state=state)
    session.add(sim)
    session.flush()
    return sim


def make_pool_number(session: Session, number: str | None = None, category: str = "Простой", price: int = 0,
                     state: str = "free"):
    from cabinet.models import NumberPool

    row = NumberPool(number=number or f"375{330000000 + _next()}", category=category, price=price, state=state)
    session.add(row)
    session.flush()
    return row


def real_worker(worker_id: str = "w1", **options) -> Worker:
    """A worker with the cabinet's own handlers, as the app and `python -m cabinet.worker` run it."""
    return Worker(bootstrap.handler_registry(), worker_id=worker_id, **options)


def process(session: Session) -> None:
    """What was ordered, committed and done by one run of the real worker; the session then reads afresh."""
    session.commit()
    real_worker("w1").run_once()
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()


def item_results(session: Session, request_id: int) -> dict[str, tuple[str, str]]:
    """number -> (status, result) of every item of the request."""
    rows = session.execute(select(RequestItem.number, RequestItem.status, RequestItem.result)
                           .where(RequestItem.request_id == request_id)).all()
    return {number: (status, result) for number, status, result in rows}


def signed_in(session: Session, user_id: int) -> tuple[Actor, str]:
    """The actor of a real session of the user (a signed link names its session), and the session's token."""
    from cabinet.services.auth import sessions

    user = session.get(User, user_id)
    token = sessions.start(session, user=user)
    session.commit()
    return sessions.actor_for(session, token=token), token


def new_session_token(session: Session) -> str:
    """The token of a live session of a new user of a new company."""
    org = make_org(session)
    user = make_user(session, org, [make_account(session, org)])
    session.commit()
    return signed_in(session, user.id)[1]


class SmsInbox:
    """An SMS gateway that keeps what it was asked to send."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []

    def send(self, number: str, text: str) -> None:
        self.sent.append((number, text))

    def last_code(self) -> str:
        return re.search(r"\d{6}", self.sent[-1][1]).group()
