"""Small builders of the rows tests need. Each adds to the session and flushes (ids known), never commits."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session, select

from cabinet.models import (
    AccountKind,
    Organization,
    PersonalAccount,
    Role,
    Subscriber,
    SubscriberStatus,
    Tariff,
    User,
    UserAccount,
)
from cabinet.services.access import Actor

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
        account_ids=frozenset(a.id for a in accounts),
    )
