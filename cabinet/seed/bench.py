"""An extra organisation with one very large mobile account, for the benchmarks (`--subscribers N`)."""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session

from cabinet import clock
from cabinet.models import AccountKind, NumberPool, PersonalAccount, Role, SimCard, Subscriber, SubscriberStatus
from cabinet.seed import info
from cabinet.seed.catalogue import load_catalogue
from cabinet.seed.finance import bill_account
from cabinet.seed.info import DemoInfo, demo_info
from cabinet.seed.orgs import BENCH_ORG, insert_account, insert_organization
from cabinet.seed.rows import NumberMaker, column_values, ids_by
from cabinet.seed.subscribers import insert_forwarding, insert_sims, insert_subscribers, mobile_plans
from cabinet.seed.users import UserSpec, insert_users

S = SubscriberStatus


def seed_bench(session: Session, *, subscribers: int, today: dt.date | None = None, seed: int = 2026) -> DemoInfo:
    """Organisation «ООО «Нагрузочный тест»» with one mobile account of `subscribers` subscribers (SIM cards,
    a few services each, 36 invoices of which the last is itemised) and its administrator. Needs the
    catalogue, so run it on a database that has the demo."""
    today = today or clock.today()
    catalogue = load_catalogue(session)
    if not catalogue.tariffs:
        raise ValueError("Сначала нужны демо-данные: в базе нет каталога тарифов.")
    if ids_by(session, PersonalAccount, "number", PersonalAccount.number == info.BENCH_ACCOUNT):
        raise ValueError(f"Нагрузочная организация уже есть (лицевой счет {info.BENCH_ACCOUNT}).")
    rng = random.Random(seed + 100_000)
    used = column_values(session, Subscriber.number) | column_values(session, NumberPool.number)
    numbers = NumberMaker(rng, used=used | column_values(session, SimCard.iccid))

    contract = today - dt.timedelta(days=6 * 365)
    org = insert_organization(session, BENCH_ORG, contract_date=contract)
    account = insert_account(session, org, info.BENCH_ACCOUNT, AccountKind.MOBILE.value,
                             opened_on=contract + dt.timedelta(days=7), emails=["buh.bench@example.com"])
    special = {S.WAITING.value: subscribers // 100, S.BLOCKED.value: subscribers // 50,
               S.SUSPENDED.value: subscribers // 40, S.TERMINATED.value: subscribers // 40}
    subs = mobile_plans(rng, numbers, catalogue, count=subscribers, today=today, special=special,
                        own_numbers=(numbers.take(info.BENCH_ADMIN),))
    insert_subscribers(session, account.id, subs, catalogue)
    insert_sims(session, org, subs, free=[numbers.iccid() for _ in range(max(50, subscribers // 100))])
    insert_forwarding(session, rng, subs, share=0.02)
    bill_account(session, rng, account, subs, catalogue, today=today, detailed_months=1)
    insert_users(session, org, [
        UserSpec(info.BENCH_ADMIN, "phone", "Нагрузочный тест", info.PASSWORDS[info.BENCH_ADMIN],
                 (Role.ADMINISTRATOR.value,), (account.id,)),
    ], today=today)
    return demo_info(session)
