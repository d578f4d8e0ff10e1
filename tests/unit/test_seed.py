"""The demo data: deterministic, and shaped the way the features and the e2e tests rely on."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from cabinet.documents.common import vat_in
from cabinet.models import (
    CallForwarding,
    CallRecord,
    ChannelPackage,
    ChargeLine,
    Invoice,
    NumberPool,
    Organization,
    Payment,
    PersonalAccount,
    Request,
    RequestItem,
    RequestStatus,
    Role,
    Service,
    ServiceConflict,
    SimCard,
    Subscriber,
    SubscriberService,
    SubscriberStatus,
    Tariff,
    TariffService,
    User,
    UserAccount,
)
from cabinet.seed import DemoInfo, demo_info, ensure_demo, seed_bench, seed_demo
from cabinet.seed import __main__ as cli
from cabinet.seed import info as demo
from cabinet.services import validation
from cabinet.services.auth.passwords import verify_password

TODAY = dt.date(2026, 11, 16)  # the day tests/conftest.py freezes the clock at
NUMBER = re.compile(r"375(29|33|44|25|17)\d{7}")
ICCID = re.compile(r"8937502\d{12,13}")


def _memory_engine():
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    return engine


def _seeded_engine(**kwargs):
    engine = _memory_engine()
    with Session(engine) as session:
        seed_demo(session, **kwargs)
        session.commit()
    return engine


@pytest.fixture(scope="module")
def demo_engine():
    """One demo database for the whole module: seeding takes about a second."""
    engine = _seeded_engine(today=TODAY)
    yield engine
    engine.dispose()


@pytest.fixture
def db(demo_engine):
    with Session(demo_engine) as session:
        yield session


def _all(db, statement):
    return db.exec(statement).all()


def _account(db, number: str) -> PersonalAccount:
    return db.exec(select(PersonalAccount).where(PersonalAccount.number == number)).one()


def _subscribers(db, account_number: str) -> list[Subscriber]:
    account = _account(db, account_number)
    return list(db.exec(select(Subscriber).where(Subscriber.account_id == account.id)))


def _snapshot(engine) -> dict:
    with engine.connect() as connection:
        def rows(*columns, order):
            return connection.execute(select(*columns).order_by(*order)).all()

        return {
            "subscribers": rows(Subscriber.number, Subscriber.sim_iccid, Subscriber.name, Subscriber.status,
                                Subscriber.tariff_id, Subscriber.connected_on, order=[Subscriber.id]),
            "sims": rows(SimCard.iccid, SimCard.state, order=[SimCard.iccid]),
            "services": rows(SubscriberService.subscriber_id, SubscriberService.service_id,
                             SubscriberService.connected_on,
                             order=[SubscriberService.subscriber_id, SubscriberService.service_id]),
            "invoices": rows(Invoice.number, Invoice.amount, Invoice.vat, Invoice.paid_amount, order=[Invoice.id]),
            "lines": rows(ChargeLine.invoice_id, ChargeLine.number, ChargeLine.amount, order=[ChargeLine.id]),
            "payments": rows(Payment.paid_on, Payment.amount, Payment.reference, order=[Payment.id]),
            "calls": rows(CallRecord.subscriber_id, CallRecord.started_at, CallRecord.other_number,
                          CallRecord.cost, order=[CallRecord.id]),
            "pool": rows(NumberPool.number, NumberPool.category, order=[NumberPool.number]),
            "balances": rows(PersonalAccount.number, PersonalAccount.balance, order=[PersonalAccount.id]),
        }


# --- determinism ----------------------------------------------------------------------------------------------------


def test_same_seed_and_day_give_the_same_rows_another_seed_does_not(demo_engine):
    first = _snapshot(demo_engine)
    same = _seeded_engine(today=TODAY)
    other = _seeded_engine(today=TODAY, seed=7)
    try:
        assert _snapshot(same) == first
        assert [row.number for row in _snapshot(other)["subscribers"]] != [row.number for row in first["subscribers"]]
    finally:
        same.dispose()
        other.dispose()


# --- subscribers, SIM cards, numbers ------------------------------------------------------------------------------


def test_mobile_account_has_1200_subscribers_every_status_and_20_waiting(db):
    subscribers = _subscribers(db, demo.MOBILE_ACCOUNT)
    statuses = Counter(s.status for s in subscribers)
    assert len(subscribers) == 1200
    assert statuses[SubscriberStatus.WAITING] == 20
    assert set(statuses) == {status.value for status in SubscriberStatus}
    own = {s.number: s for s in subscribers if s.number in (demo.ADMIN, demo.SUPERVISOR, demo.BOTH)}
    assert len(own) == 3 and all(s.status == SubscriberStatus.ACTIVE for s in own.values())
    assert len({s.tariff_id for s in subscribers}) >= 4
    no_self_sim = sum(not s.self_sim_replacement for s in subscribers) / len(subscribers)
    assert 0.05 <= no_self_sim <= 0.15


def test_every_subscriber_who_keeps_a_line_has_its_own_sim_in_use_and_50_are_free(db):
    org = _account(db, demo.MOBILE_ACCOUNT).organization_id
    sims = {sim.iccid: sim for sim in db.exec(select(SimCard).where(SimCard.organization_id == org))}
    subscribers = _subscribers(db, demo.MOBILE_ACCOUNT)
    keeping = [s for s in subscribers if s.status != SubscriberStatus.TERMINATED]
    assert all(s.sim_iccid in sims and sims[s.sim_iccid].state == "in_use" for s in keeping)
    assert len({s.sim_iccid for s in keeping}) == len(keeping)
    assert sum(sim.state == "in_use" for sim in sims.values()) == len(keeping)
    assert sum(sim.state == "free" for sim in sims.values()) == 50


def test_numbers_are_12_digit_belarusian_and_iccids_19_or_20_digits(db):
    numbers = db.exec(select(Subscriber.number)).all() + db.exec(select(NumberPool.number)).all()
    assert numbers and all(NUMBER.fullmatch(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    for account in (demo.FIXED_ACCOUNT, demo.SIP_ACCOUNT):
        assert all(s.number.startswith("37517") and s.sim_iccid is None for s in _subscribers(db, account))
    iccids = db.exec(select(SimCard.iccid)).all()
    assert all(ICCID.fullmatch(i) and validation.iccid_number(i) == i for i in iccids)  # Luhn digit too
    assert {len(i) for i in iccids} == {19, 20}
    accounts = db.exec(select(PersonalAccount.number)).all()
    assert all(re.fullmatch(r"\d{13}", number) for number in accounts)
    assert all(re.fullmatch(r"\d{9}", unp) for unp in db.exec(select(Organization.unp)))


def test_fixed_account_and_the_second_organisation(db):
    fixed = _subscribers(db, demo.FIXED_ACCOUNT)
    other = _subscribers(db, demo.ORG2_MOBILE_ACCOUNT)
    assert 25 <= len(fixed) <= 35
    assert set(db.exec(select(Tariff.kind).where(Tariff.id.in_({s.tariff_id for s in fixed})))) == {"fixed"}
    assert 45 <= len(other) <= 55 and demo.ORG2_ADMIN in {s.number for s in other}
    orgs = {a.number: a.organization_id for a in db.exec(select(PersonalAccount))}
    assert orgs[demo.MOBILE_ACCOUNT] == orgs[demo.FIXED_ACCOUNT] == orgs[demo.SIP_ACCOUNT]
    assert orgs[demo.ORG2_MOBILE_ACCOUNT] != orgs[demo.MOBILE_ACCOUNT]
    org1 = db.get(Organization, orgs[demo.MOBILE_ACCOUNT])
    assert org1.contact_email == "sip-admin@example.com"
    emails = [e for a in db.exec(select(PersonalAccount)) for e in a.delivery_emails]
    assert emails and all(e.endswith(("@example.com", "@example.by")) for e in emails)


def test_number_pool_has_thousands_of_free_numbers_in_four_categories(db):
    counts = dict(_all(db, select(NumberPool.category, func.count()).where(NumberPool.state == "free")
                       .group_by(NumberPool.category)))
    assert set(counts) == {"Простой", "Бронзовый", "Серебряный", "Золотой"}
    assert sum(counts.values()) >= 2000


def test_forwarding_kinds_and_delays(db):
    rows = db.exec(select(CallForwarding)).all()
    assert {r.kind for r in rows} == {"unconditional", "busy", "no_answer", "unreachable"}
    assert all((r.delay_seconds is not None) == (r.kind == "no_answer") for r in rows)
    assert all(NUMBER.fullmatch(r.target) for r in rows)


# --- catalogue ----------------------------------------------------------------------------------------------------


def test_catalogue_tariffs_services_conflicts_and_channel_packages(db):
    tariffs = {t.name: t for t in db.exec(select(Tariff))}
    assert {"Бизнес Старт", "Бизнес Оптима", "Бизнес Безлимит", "Корпоративный 50"} <= set(tariffs)
    assert any(t.is_archived and t.kind == "mobile" for t in tariffs.values())
    assert sum(t.kind == "fixed" for t in tariffs.values()) == 2
    assert tariffs["SIP-соединение"].kind == tariffs["SIP-номер"].kind == "sip"
    assert tariffs["SIP-соединение"].free_minutes_other > 0
    services = {s.id: s for s in db.exec(select(Service))}
    mobile_categories = {s.category for s in services.values() if s.kind == "mobile"}
    assert {"Интернет", "Звонки", "Роуминг", "Информационные", "Безопасность"} <= mobile_categories
    minute_packages = [s for s in services.values() if s.kind == "sip" and "минут на другие сети" in s.name]
    assert minute_packages and not any(s.self_service for s in minute_packages)
    conflicts = {frozenset((services[c.service_id].name, services[c.other_service_id].name))
                 for c in db.exec(select(ServiceConflict))}
    assert frozenset(("Запрет роуминга", "Роуминг Европа")) in conflicts
    assert frozenset(("Интернет 5 ГБ", "Интернет 20 ГБ")) in conflicts
    modes = Counter(db.exec(select(TariffService.mode)))
    assert modes["allowed"] > modes["included"] > 0 and modes["forbidden"] > 0
    assert sorted(db.exec(select(ChannelPackage.channels))) == [2, 5, 10, 30]


def test_subscribers_never_hold_conflicting_or_forbidden_services(db):
    held: dict[int, set[int]] = {}
    for row in db.exec(select(SubscriberService)):
        held.setdefault(row.subscriber_id, set()).add(row.service_id)
    assert len(held) > 1000
    conflicts = [(c.service_id, c.other_service_id) for c in db.exec(select(ServiceConflict))]
    assert not any(a in services and b in services for services in held.values() for a, b in conflicts)
    forbidden = set(_all(db, select(TariffService.tariff_id, TariffService.service_id)
                         .where(TariffService.mode == "forbidden")))
    tariff_of = dict(_all(db, select(Subscriber.id, Subscriber.tariff_id)))
    assert not any((tariff_of[sub], service) in forbidden for sub, services in held.items() for service in services)


# --- SIP ----------------------------------------------------------------------------------------------------------


def test_sip_account_one_connection_and_five_numbers(db):
    subscribers = {s.number: s for s in _subscribers(db, demo.SIP_ACCOUNT)}
    tariff_names = dict(_all(db, select(Tariff.id, Tariff.name)))
    connection = subscribers.pop(demo.SIP_CONNECTION)
    assert tariff_names[connection.tariff_id] == "SIP-соединение" and connection.sip_kind == "connection"
    assert connection.sip_password and connection.free_minutes_left is not None
    assert connection.channel_package_id is not None
    assert connection.channel_changed_at <= dt.datetime.combine(TODAY - dt.timedelta(days=10), dt.time.max)
    assert sorted(subscribers) == list(demo.SIP_NUMBERS)
    assert all(tariff_names[s.tariff_id] == "SIP-номер" and s.sip_kind == "number" and s.free_minutes_left is None
               for s in subscribers.values())


def test_calls_seven_months_and_one_sip_number_silent_this_month(db):
    month_start = dt.datetime.combine(TODAY.replace(day=1), dt.time())
    calls = _all(db, select(Subscriber.number, CallRecord.started_at, CallRecord.direction, CallRecord.network)
                 .join(Subscriber, Subscriber.id == CallRecord.subscriber_id))
    assert 5_000 < len(calls) < 15_000
    assert min(c.started_at for c in calls) >= dt.datetime(2026, 5, 1)
    assert max(c.started_at for c in calls) < dt.datetime.combine(TODAY, dt.time())
    assert {c.direction for c in calls} == {"in", "out"}
    assert {c.network for c in calls} == {"own", "other", "intl", "fixed"}
    this_month = Counter(c.number for c in calls if c.started_at >= month_start)
    earlier = Counter(c.number for c in calls if c.started_at < month_start)
    assert this_month[demo.SIP_SILENT] == 0 and earlier[demo.SIP_SILENT] > 0
    assert all(this_month[n] > 0 for n in (demo.SIP_CONNECTION, *demo.SIP_NUMBERS) if n != demo.SIP_SILENT)
    assert this_month[demo.ADMIN] > 0


# --- finance ------------------------------------------------------------------------------------------------------


ACCOUNTS = [demo.MOBILE_ACCOUNT, demo.FIXED_ACCOUNT, demo.SIP_ACCOUNT, demo.ORG2_MOBILE_ACCOUNT]


@pytest.mark.parametrize("number", ACCOUNTS)
def test_36_invoices_all_paid_but_the_last_and_balance_is_payments_minus_invoices(db, number):
    account = _account(db, number)
    invoices = db.exec(select(Invoice).where(Invoice.account_id == account.id).order_by(Invoice.period)).all()
    assert len(invoices) == 36 and all(i.is_regular for i in invoices)
    assert invoices[-1].period == dt.date(2026, 10, 1) and invoices[0].period == dt.date(2023, 11, 1)
    assert [i.is_paid for i in invoices] == [True] * 35 + [False]
    assert invoices[-1].paid_amount == 0
    for invoice in invoices:
        assert invoice.issued_on.day == 3 and invoice.due_on.day == 25 and invoice.issued_on > invoice.period
        lines, vat = db.exec(select(func.sum(ChargeLine.amount), func.sum(ChargeLine.vat))
                             .where(ChargeLine.invoice_id == invoice.id)).one()
        assert Decimal(lines) == invoice.amount > 0
        assert Decimal(vat) == invoice.vat  # VAT rounded per line, the invoice's the sum of its lines'
    sample = db.exec(select(ChargeLine).join(Invoice).where(Invoice.account_id == account.id).limit(200)).all()
    assert all(line.vat == vat_in(line.amount) for line in sample)
    payments = db.exec(select(Payment).where(Payment.account_id == account.id)).all()
    assert len(payments) == 35
    by_date = sorted(payments, key=lambda p: p.paid_on)
    assert all(i.issued_on < p.paid_on < TODAY for p, i in zip(by_date, invoices[:-1], strict=True))
    assert account.balance == sum(p.amount for p in payments) - sum(i.amount for i in invoices)
    assert account.balance == -invoices[-1].amount


def test_big_account_is_itemised_for_the_last_13_months(db):
    account = _account(db, demo.MOBILE_ACCOUNT)
    itemised = _all(db, select(Invoice.period, func.count(ChargeLine.subscriber_id))
                    .join(ChargeLine, ChargeLine.invoice_id == Invoice.id)
                    .where(Invoice.account_id == account.id).group_by(Invoice.period).order_by(Invoice.period))
    per_subscriber = [period for period, count in itemised if count > 0]
    assert len(per_subscriber) == 13 and per_subscriber[-1] == dt.date(2026, 10, 1)
    assert len(db.exec(select(Invoice.number)).all()) == len(set(db.exec(select(Invoice.number))))


# --- users and requests -------------------------------------------------------------------------------------------


def test_users_roles_scopes_and_passwords(db):
    users = {u.login: u for u in db.exec(select(User))}
    accounts = {a.id: a.number for a in db.exec(select(PersonalAccount))}
    scope = {}
    for link in db.exec(select(UserAccount)):
        scope.setdefault(link.user_id, set()).add(accounts[link.account_id])
    expected = {
        demo.ADMIN: ("phone", [Role.ADMINISTRATOR], {demo.MOBILE_ACCOUNT}, "Admin#2026"),
        demo.SUPERVISOR: ("phone", [Role.SUPERVISOR], {demo.MOBILE_ACCOUNT, demo.FIXED_ACCOUNT}, "Super#2026"),
        demo.BOTH: ("phone", [Role.ADMINISTRATOR, Role.SUPERVISOR], {demo.MOBILE_ACCOUNT, demo.FIXED_ACCOUNT},
                    "Both#2026"),
        demo.FIXED_ACCOUNT: ("account", [Role.ADMINISTRATOR], {demo.FIXED_ACCOUNT}, "Fixed#2026"),
        demo.ORG2_ADMIN: ("phone", [Role.ADMINISTRATOR], {demo.ORG2_MOBILE_ACCOUNT}, "Other#2026"),
    }
    for login, (kind, roles, in_scope, password) in expected.items():
        user = users[login]
        assert (user.login_kind, user.roles, scope[user.id]) == (kind, roles, in_scope), login
        assert verify_password(password, user.password_hash) and not verify_password("Wrong#2026", user.password_hash)
    sip = users[demo.SIP_CONNECTION]
    assert (sip.login_kind, sip.roles, sip.password_hash, scope[sip.id]) == (
        "phone", [Role.SIP_ADMIN], None, {demo.SIP_ACCOUNT})
    assert users[demo.ORG2_ADMIN].organization_id != users[demo.ADMIN].organization_id


def test_request_history_has_finished_requests_by_the_administrator(db):
    admin = db.exec(select(User).where(User.login == demo.ADMIN)).one()
    mobile = _account(db, demo.MOBILE_ACCOUNT)
    requests = db.exec(select(Request)).all()
    assert len(requests) >= 2 and {r.kind for r in requests} >= {"call_detail", "services"}
    assert all(r.status == RequestStatus.DONE and r.author_id == admin.id and r.account_id == mobile.id
               and r.created_at.date() < TODAY for r in requests)
    assert len({r.idempotency_key for r in requests}) == len(requests)
    for request in requests:
        items = db.exec(select(RequestItem).where(RequestItem.request_id == request.id)).all()
        assert len(items) == request.total_items == request.done_items > 0


# --- ensure_demo, demo_info, the benchmark organisation, the command line ----------------------------------------


def test_ensure_demo_seeds_an_empty_database_once(session):
    with pytest.raises(LookupError):
        demo_info(session)
    info = ensure_demo(session)
    assert isinstance(info, DemoInfo)
    assert (info.mobile_account, info.fixed_account, info.sip_account, info.org2_mobile_account) == (
        demo.MOBILE_ACCOUNT, demo.FIXED_ACCOUNT, demo.SIP_ACCOUNT, demo.ORG2_MOBILE_ACCOUNT)
    notes = {login: note for _, login, note in info.sign_ins}
    assert notes[demo.ADMIN] == "Admin#2026" and notes[demo.FIXED_ACCOUNT] == "Fixed#2026"
    assert "sip-admin@example.com" in notes[demo.SIP_CONNECTION]
    counted = session.exec(select(func.count()).select_from(Subscriber)).one()
    assert ensure_demo(session) is None
    assert session.exec(select(func.count()).select_from(Subscriber)).one() == counted
    assert demo_info(session) == info
    with pytest.raises(ValueError):
        seed_demo(session)


def test_benchmark_organisation(session):
    seed_demo(session, today=TODAY)
    info = seed_bench(session, subscribers=500, today=TODAY)
    assert info.bench_account == demo.BENCH_ACCOUNT
    subscribers = _subscribers(session, demo.BENCH_ACCOUNT)
    assert len(subscribers) == 500 and all(NUMBER.fullmatch(s.number) for s in subscribers)
    assert len({s.number for s in session.exec(select(Subscriber))}) == 1200 + 500 + 30 + 6 + 50
    admin = session.exec(select(User).where(User.login == demo.BENCH_ADMIN)).one()
    assert verify_password("Bench#2026", admin.password_hash)
    assert session.exec(select(UserAccount).where(UserAccount.user_id == admin.id)).one().account_id == (
        _account(session, demo.BENCH_ACCOUNT).id)
    assert session.exec(select(func.count()).select_from(SubscriberService)
                        .where(SubscriberService.subscriber_id.in_([s.id for s in subscribers]))).one() > 500
    with pytest.raises(ValueError):
        seed_bench(session, subscribers=10, today=TODAY)


def test_command_line_seeds_once_then_prints_the_sign_ins(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'data' / 'cabinet.db'}"
    assert cli.main(["--database-url", url]) == 0
    first = capsys.readouterr().out
    assert cli.main(["--database-url", url]) == 0
    second = capsys.readouterr().out
    assert "Демо-данные созданы" in first and "Демо-данные созданы" not in second
    for text in (first, second):
        assert "375290000001" in text and "Admin#2026" in text and demo.FIXED_ACCOUNT in text
