"""The demo database: two client organisations with mobile, fixed-line and SIP accounts, three years of
invoices and payments, seven months of calls, the users of every role and a little request history.

Deterministic: the same seed and the same `today` give the same rows (only the password hashes differ,
argon2 salts are random). Nothing is committed here: the caller's transaction is.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlmodel import Session

from cabinet import clock
from cabinet.models import AccountKind, Organization, PersonalAccount, Role, Subscriber, SubscriberStatus
from cabinet.seed import info
from cabinet.seed.calls import insert_calls, minutes_to_other_networks
from cabinet.seed.catalogue import Catalogue, seed_catalogue
from cabinet.seed.finance import bill_account
from cabinet.seed.info import DemoInfo, demo_info
from cabinet.seed.orgs import ORG1, ORG2, insert_account, insert_organization
from cabinet.seed.pool import insert_pool
from cabinet.seed.rows import NumberMaker, at, update_row
from cabinet.seed.subscribers import (
    ACTIVE,
    Sub,
    fixed_plans,
    insert_forwarding,
    insert_sims,
    insert_subscribers,
    mobile_plans,
    sip_password,
)
from cabinet.seed.users import UserSpec, insert_request_history, insert_users
from cabinet.services.subscribers.lines import code_of

MOBILE, FIXED, SIP = AccountKind.MOBILE.value, AccountKind.FIXED.value, AccountKind.SIP.value
ADMINISTRATOR, SUPERVISOR, SIP_ADMIN = Role.ADMINISTRATOR.value, Role.SUPERVISOR.value, Role.SIP_ADMIN.value
S = SubscriberStatus
# Exactly these many of each status on org 1's mobile account; the rest of the 1,200 are active.
MOBILE_STATUSES = {S.WAITING.value: 20, S.BLOCKED.value: 25, S.SUSPENDED.value: 35, S.TERMINATED.value: 40}
ORG2_STATUSES = {S.WAITING.value: 2, S.BLOCKED.value: 1, S.TERMINATED.value: 2}
RESERVED = (info.ADMIN, info.SUPERVISOR, info.BOTH, info.ORG2_ADMIN, info.BENCH_ADMIN, info.SIP_CONNECTION,
            *info.SIP_NUMBERS)
ORG1_BUH = "buh.beltehsnab@example.by"


def _has_organisations(session: Session) -> bool:
    return session.connection().execute(select(Organization.id).limit(1)).first() is not None


def ensure_demo(session: Session, *, today: dt.date | None = None, seed: int = 2026) -> DemoInfo | None:
    """Seed the demo into an empty database; None (and nothing done) when any organisation exists."""
    if _has_organisations(session):
        return None
    return seed_demo(session, today=today, seed=seed)


def seed_demo(session: Session, *, today: dt.date | None = None, seed: int = 2026) -> DemoInfo:
    today = today or clock.today()
    if _has_organisations(session):
        raise ValueError("Демо-данные создаются только в пустой базе.")
    rng = random.Random(seed)
    numbers = NumberMaker(rng, used=RESERVED)
    catalogue = seed_catalogue(session)
    _seed_org1(session, rng, numbers, catalogue, today)
    _seed_org2(session, rng, numbers, catalogue, today)
    insert_pool(session, numbers, city_codes=_fixed_city_codes(session))
    return demo_info(session)


def _fixed_city_codes(session: Session) -> tuple[str, ...]:
    """The city codes of the seeded fixed-line subscribers, so each of them has numbers to move to."""
    fixed = session.execute(select(Subscriber.number).join(PersonalAccount, PersonalAccount.id == Subscriber.account_id)
                            .where(PersonalAccount.kind == FIXED)).scalars()
    return tuple(sorted({code_of(number) for number in fixed} - {""}))


def _seed_org1(session: Session, rng: random.Random, numbers: NumberMaker, catalogue: Catalogue,
               today: dt.date) -> None:
    contract = today - dt.timedelta(days=7 * 365)
    org = insert_organization(session, ORG1, contract_date=contract)
    mobile = insert_account(session, org, info.MOBILE_ACCOUNT, MOBILE, opened_on=contract + dt.timedelta(days=5),
                            emails=[ORG1_BUH])
    fixed = insert_account(session, org, info.FIXED_ACCOUNT, FIXED, opened_on=contract + dt.timedelta(days=40),
                           emails=[ORG1_BUH, "office.beltehsnab@example.com"], invoice_format="xlsx")
    sip = insert_account(session, org, info.SIP_ACCOUNT, SIP, opened_on=today - dt.timedelta(days=4 * 365),
                         emails=[info.SIP_EMAIL])

    mobile_subs = mobile_plans(rng, numbers, catalogue, count=1200, today=today, special=MOBILE_STATUSES,
                               own_numbers=(info.ADMIN, info.SUPERVISOR, info.BOTH))
    insert_subscribers(session, mobile.id, mobile_subs, catalogue)
    insert_sims(session, org, mobile_subs, free=[numbers.iccid() for _ in range(50)])
    insert_forwarding(session, rng, mobile_subs, share=0.06)
    fixed_subs = fixed_plans(rng, numbers, catalogue, count=30, today=today)
    insert_subscribers(session, fixed.id, fixed_subs, catalogue)
    sip_subs = _sip_plans(rng, today, catalogue.tariffs["sip_connection"].free_minutes)
    insert_subscribers(session, sip.id, sip_subs, catalogue)

    # The 1,200-subscriber account is itemised for the last 13 months only, to keep seeding fast;
    # its older invoices carry three summary lines each. The small accounts are itemised for all 36.
    bill_account(session, rng, mobile, mobile_subs, catalogue, today=today, detailed_months=13)
    bill_account(session, rng, fixed, fixed_subs, catalogue, today=today)
    bill_account(session, rng, sip, sip_subs, catalogue, today=today)

    sample = mobile_subs[:3] + rng.sample([s for s in mobile_subs[3:] if s.status == ACTIVE], 37)
    insert_calls(session, rng, sample, today=today)
    sip_calls = insert_calls(session, rng, sip_subs, today=today, sms_share=0.0,
                             silent_this_month=frozenset({info.SIP_SILENT}))
    connection = sip_subs[0]  # its free minutes to other networks, less what this month's calls spent
    spent = minutes_to_other_networks(sip_calls, connection.id, today.replace(day=1))
    update_row(session, Subscriber, connection.id, free_minutes_left=max(0, (connection.free_minutes or 0) - spent))

    users = insert_users(session, org, [
        UserSpec(info.ADMIN, "phone", "Ковалева Ирина Сергеевна", info.PASSWORDS[info.ADMIN], (ADMINISTRATOR,),
                 (mobile.id,)),
        UserSpec(info.SUPERVISOR, "phone", "Лукашевич Андрей Викторович", info.PASSWORDS[info.SUPERVISOR],
                 (SUPERVISOR,), (mobile.id, fixed.id)),
        UserSpec(info.BOTH, "phone", "Борисевич Ольга Николаевна", info.PASSWORDS[info.BOTH],
                 (ADMINISTRATOR, SUPERVISOR), (mobile.id, fixed.id)),
        UserSpec(info.FIXED_ACCOUNT, "account", "Бухгалтерия (городская связь)", info.PASSWORDS[info.FIXED_ACCOUNT],
                 (ADMINISTRATOR,), (fixed.id,)),
        UserSpec(info.SIP_CONNECTION, "phone", "Администратор SIP", None, (SIP_ADMIN,), (sip.id,)),
    ], today=today)
    insert_request_history(session, rng, organization_id=org, account_id=mobile.id, author_id=users[info.ADMIN],
                           subs=mobile_subs, catalogue=catalogue, email=ORG1_BUH, today=today)


def _sip_plans(rng: random.Random, today: dt.date, free_minutes: int) -> list[Sub]:
    """One «SIP-соединение» (the SIP administrator's number) and five «SIP-номер» on it."""
    since = today - dt.timedelta(days=4 * 365 - 3)
    connection = Sub(
        number=info.SIP_CONNECTION, name="SIP-транк центрального офиса", tariff="sip_connection", connected_on=since,
        sip_kind="connection", sip_password=sip_password(rng), free_minutes=free_minutes, channels="channels_5",
        channels_changed_at=at(today - dt.timedelta(days=12), 11, 20),
        services=[("sip_clip", since), ("sip_min_100", since + dt.timedelta(days=30)),
                  ("sip_record", since + dt.timedelta(days=200))],
    )
    names = ("Отдел продаж", "Служба поддержки", "Бухгалтерия", "Склад", "Резервный номер")
    numbers = [
        Sub(number=number, name=name, tariff="sip_number", connected_on=since + dt.timedelta(days=index * 90),
            sip_kind="number", sip_password=sip_password(random.Random(number)),  # apart from `rng`: same data
            services=[("sip_ivr", since + dt.timedelta(days=index * 90))] if index < 2 else [])
        for index, (number, name) in enumerate(zip(info.SIP_NUMBERS, names, strict=True))
    ]
    return [connection, *numbers]


def _seed_org2(session: Session, rng: random.Random, numbers: NumberMaker, catalogue: Catalogue,
               today: dt.date) -> None:
    contract = today - dt.timedelta(days=5 * 365)
    org = insert_organization(session, ORG2, contract_date=contract)
    mobile = insert_account(session, org, info.ORG2_MOBILE_ACCOUNT, MOBILE,
                            opened_on=contract + dt.timedelta(days=3), emails=["buh.mzsd@example.by"],
                            invoice_format="txt")
    subs = mobile_plans(rng, numbers, catalogue, count=50, today=today, special=ORG2_STATUSES,
                        own_numbers=(info.ORG2_ADMIN,))
    insert_subscribers(session, mobile.id, subs, catalogue)
    insert_sims(session, org, subs, free=[numbers.iccid() for _ in range(10)])
    insert_forwarding(session, rng, subs, share=0.06)
    bill_account(session, rng, mobile, subs, catalogue, today=today)
    insert_users(session, org, [
        UserSpec(info.ORG2_ADMIN, "phone", "Жук Павел Андреевич", info.PASSWORDS[info.ORG2_ADMIN],
                 (ADMINISTRATOR,), (mobile.id,)),
    ], today=today)
