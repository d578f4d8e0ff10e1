"""«Управление абонентами SIP» (P10–P16): choosing a subscriber, the free minutes of «SIP-соединение» only,
minute packages only by application, one change of channels in 7 days, the settings with the password on
demand, charges of three months and calls of seven, and neither role reaching the other's subscribers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import (
    AccountKind,
    AuditEvent,
    CallRecord,
    ChannelPackage,
    PersonalAccount,
    RequestItem,
    Role,
    Service,
    Subscriber,
    Tariff,
)
from cabinet.services.access import Actor
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.sip import channels as sip_channels
from cabinet.services.sip import subscribers as sip_subscribers
from cabinet.services.subscribers import operations as subscriber_ops
from tests.unit.factories import (
    connect_service,
    make_account,
    make_actor,
    make_org,
    make_service,
    make_subscriber,
    make_tariff,
    make_user,
    real_worker,
    set_mode,
)
from tests.unit.finance_factories import add_line, make_invoice

CHANGED = dt.datetime(2026, 11, 10, 11, 20)


@dataclass
class World:
    actor: Actor
    admin: Actor
    account_id: int
    connection: Subscriber
    number: Subscriber
    mobile: Subscriber
    packages: list[ChannelPackage]


@pytest.fixture
def w(session) -> World:
    org = make_org(session)
    sip = make_account(session, org, kind=AccountKind.SIP)
    mobile_account = make_account(session, org)
    trunk = make_tariff(session, kind=AccountKind.SIP, name="SIP-соединение", is_sip_connection=True,
                        monthly_fee=Decimal("30.00"),
                        free_minutes_other=300)
    line = make_tariff(session, kind=AccountKind.SIP, name="SIP-номер", monthly_fee=Decimal("4.00"))
    packages = [ChannelPackage(code=f"ch{n}", name=f"{n} каналов", channels=n, monthly_fee=Decimal(n)) for n in (2, 5, 10)]
    session.add_all(packages)
    session.flush()
    connection = make_subscriber(session, sip, number="375172000101", tariff_id=trunk.id, free_minutes_left=120,
                                 channel_package_id=packages[1].id, channel_changed_at=CHANGED, sip_password="S3cret-1")
    number = make_subscriber(session, sip, number="375172000102", tariff_id=line.id)
    minutes = make_service(session, kind=AccountKind.SIP, name="Пакет 100 минут", category="Пакеты минут",
                           self_service=False, monthly_fee=Decimal("8.00"))
    record = make_service(session, kind=AccountKind.SIP, name="Запись разговоров", monthly_fee=Decimal("5.00"))
    for tariff in (trunk, line):
        set_mode(session, tariff, minutes, "allowed")
        set_mode(session, tariff, record, "allowed")
    connect_service(session, connection, record)
    mobile = make_subscriber(session, mobile_account)
    sip_user = make_user(session, org, [sip], roles=[Role.SIP_ADMIN])
    admin = make_user(session, org, [mobile_account])
    session.commit()
    return World(actor=make_actor(sip_user, [sip]), admin=make_actor(admin, [mobile_account]), account_id=sip.id,
                 connection=connection, number=number, mobile=mobile, packages=packages)


def test_choose_by_number_or_from_all(session, w):
    find = sip_subscribers.find_sip_subscriber
    assert find(session, actor=w.actor, account_id=w.account_id, number="+375 17 200-01-02") == w.number.id
    with pytest.raises(DomainError, match="375172000999 не найден"):
        find(session, actor=w.actor, account_id=w.account_id, number="375172000999")
    with pytest.raises(DomainError, match="не найден"):
        find(session, actor=w.actor, account_id=w.account_id, number=w.mobile.number)
    listed = sip_subscribers.list_sip_subscribers(session, actor=w.actor, account_id=w.account_id)
    assert [(r.number, r.tariff_name) for r in listed.rows] == [("375172000101", "SIP-соединение"),
                                                                 ("375172000102", "SIP-номер")]


def test_free_minutes_only_for_the_connection_and_minute_packages_only_by_application(session, w):
    trunk = sip_subscribers.sip_subscriber(session, actor=w.actor, subscriber_id=w.connection.id)
    line = sip_subscribers.sip_subscriber(session, actor=w.actor, subscriber_id=w.number.id)
    assert (trunk.free_minutes_left, trunk.free_minutes_total, trunk.channel_package) == (120, 300, "5 каналов")
    assert (line.free_minutes_left, line.free_minutes_total, line.channel_package) == (None, None, "")
    available = {s.name: s.reason_unavailable for s in trunk.card.available_services}
    assert available == {"Пакет 100 минут": "Подключается только по письменному заявлению"}
    assert [s.name for s in trunk.card.connected_services] == ["Запись разговоров"]


def test_a_minutes_package_is_neither_added_nor_removed_but_shown_as_by_application(session, w):
    trunk_tariff = session.get(Tariff, w.connection.tariff_id)
    connected = make_service(session, kind=AccountKind.SIP, name="Пакет 500 минут", category="Пакеты минут",
                             self_service=False, monthly_fee=Decimal("30.00"))
    set_mode(session, trunk_tariff, connected, "allowed")
    connect_service(session, w.connection, connected)
    session.commit()
    minutes = session.exec(select(Service).where(Service.name == "Пакет 100 минут")).one()

    def order(service, connect, key):
        return subscriber_ops.order_service_change(session, actor=w.actor, subscriber_id=w.connection.id,
                                                   service_id=service.id, connect=connect, idempotency_key=key)

    with pytest.raises(DomainError, match="^Подключается только по письменному заявлению$"):
        order(minutes, True, "m1")
    with pytest.raises(DomainError, match="^Отключается только по письменному заявлению$"):
        order(connected, False, "m2")
    assert session.exec(select(RequestItem)).all() == []
    shown = sip_subscribers.sip_subscriber(session, actor=w.actor, subscriber_id=w.connection.id)
    assert shown.by_application == {minutes.id, connected.id}  # not «Запись разговоров», switched by the user


def test_a_minutes_package_the_tariff_forbids_is_not_by_application(session, w):
    minutes = session.exec(select(Service).where(Service.name == "Пакет 100 минут")).one()
    set_mode(session, session.get(Tariff, w.number.tariff_id), minutes, "forbidden")
    session.commit()
    shown = sip_subscribers.sip_subscriber(session, actor=w.actor, subscriber_id=w.number.id)
    assert shown.by_application == frozenset()
    assert [s.reason_unavailable for s in shown.card.available_services if s.id == minutes.id] == [
        "Услуга «Пакет 100 минут» недоступна на тарифном плане «SIP-номер»"]


def test_the_confirmation_of_a_channel_change_names_package_price_and_next_change(session, w):
    def review(package, subscriber=w.connection):
        return sip_channels.review_channel_change(session, actor=w.actor, subscriber_id=subscriber.id,
                                                  package_id=package.id)

    clock.set_now(dt.datetime(2026, 11, 20, 23, 30))
    change = review(w.packages[2])
    assert (change.package_name, change.monthly_fee, change.next_change_on) == (
        "10 каналов", Decimal("10.00"), dt.date(2026, 11, 27))
    with pytest.raises(DomainError, match="уже подключен"):
        review(w.packages[1])
    clock.set_now(CHANGED + dt.timedelta(days=6))
    with pytest.raises(DomainError, match="возможна с 17.11.2026 11:20"):
        review(w.packages[2])
    with pytest.raises(DomainError, match="только на абоненте «SIP-соединение»"):
        review(w.packages[2], w.number)
    with pytest.raises(AccessDenied):
        sip_channels.review_channel_change(session, actor=w.admin, subscriber_id=w.connection.id,
                                           package_id=w.packages[2].id)


def test_channels_change_once_in_seven_days_done_by_the_worker(session, w):
    def order(package, key):
        return sip_channels.order_channel_change(session, actor=w.actor, subscriber_id=w.connection.id,
                                                 package_id=package.id, idempotency_key=key)

    clock.set_now(CHANGED + dt.timedelta(days=7, seconds=-1))
    shown = sip_channels.channels(session, actor=w.actor, subscriber_id=w.connection.id)
    assert shown.note == ("Смена пакета каналов доступна 1 раз в 7 дней. Следующая смена возможна с "
                          "17.11.2026 11:20.") and shown.current == "5 каналов"
    with pytest.raises(DomainError, match="возможна с 17.11.2026 11:20"):
        order(w.packages[2], "c1")
    clock.set_now(CHANGED + dt.timedelta(days=7))
    assert sip_channels.channels(session, actor=w.actor, subscriber_id=w.connection.id).next_change_at is None
    with pytest.raises(DomainError, match="уже подключен"):
        order(w.packages[1], "c2")
    result = order(w.packages[2], "c3")
    assert "10 каналов" in result.message
    session.commit()
    real_worker("w1").run_once()
    session.expire_all()
    changed = session.get(Subscriber, w.connection.id)
    assert (changed.channel_package_id, changed.channel_changed_at) == (w.packages[2].id, clock.now())
    assert session.exec(select(RequestItem.result).where(RequestItem.request_id == result.request_id)).one() == \
        "Подключен пакет «10 каналов»"
    with pytest.raises(DomainError, match="возможна с 24.11.2026"):
        order(w.packages[0], "c4")
    with pytest.raises(DomainError, match="только на абоненте «SIP-соединение»"):
        sip_channels.channels(session, actor=w.actor, subscriber_id=w.number.id)


def test_settings_and_the_password_shown_on_demand_and_audited(session, w):
    settings = sip_subscribers.sip_settings(session, actor=w.actor, subscriber_id=w.connection.id)
    assert (settings.login, settings.auth_name, settings.port) == ("375172000101", "375172000101", "5060")
    assert sip_subscribers.sip_password(session, actor=w.actor, subscriber_id=w.connection.id) == "S3cret-1"
    shown = session.exec(select(AuditEvent).where(AuditEvent.action == "sip.password_shown")).one()
    assert shown.object_id == str(w.connection.id)
    with pytest.raises(DomainError, match="Пароль SIP не задан"):
        sip_subscribers.sip_password(session, actor=w.actor, subscriber_id=w.number.id)


def test_charges_of_the_current_and_two_previous_months(session, w):
    account = session.get(PersonalAccount, w.account_id)
    invoice = make_invoice(session, account, dt.date(2026, 10, 1))
    add_line(session, invoice, w.connection, "30.00", "Абонентская плата")
    add_line(session, invoice, w.number, "4.00", "Абонентская плата")
    session.add(CallRecord(subscriber_id=w.connection.id, started_at=dt.datetime(2026, 11, 3, 9, 0), direction="out",
                           other_number="375291112233", duration_seconds=60, cost=Decimal("0.25")))
    session.commit()

    def charges(year, month):
        return sip_subscribers.subscriber_charges(session, actor=w.actor, subscriber_id=w.connection.id, year=year,
                                                  month=month)

    past = charges(2026, 10)
    assert (past.title, past.preliminary, past.total) == ("октябрь 2026", False, Decimal("30.00"))
    now = charges(2026, 11)
    assert now.preliminary and [r.amount for r in now.rows] == [Decimal("30.00"), Decimal("5"), Decimal("5.00"),
                                                                 Decimal("0.25")]
    assert charges(2026, 9).rows == []
    with pytest.raises(DomainError, match="текущий и два предыдущих"):
        charges(2026, 8)


def test_calls_by_direction_paged_seven_months_and_none(session, w):
    for day in range(1, 4):
        session.add(CallRecord(subscriber_id=w.number.id, started_at=dt.datetime(2026, 5, day, 10, 0),
                               direction="in", other_number=f"37529111000{day}", duration_seconds=30 * day))
    session.commit()

    def calls(month, direction="in", page=1):
        return sip_subscribers.subscriber_calls(session, actor=w.actor, subscriber_id=w.number.id, year=2026,
                                                month=month, direction=direction, page=page, page_size=2)

    first, second = calls(5), calls(5, page=2)
    assert [c.other_number for c in first.rows] == ["375291110001", "375291110002"] and first.total == 3
    assert [c.duration_seconds for c in second.rows] == [90]
    assert calls(5, "out").total == 0 and calls(11).total == 0
    with pytest.raises(DomainError, match="шесть предыдущих"):
        calls(4)


def test_neither_role_reaches_the_others_subscribers(session, w):
    for fn in (sip_subscribers.sip_subscriber, sip_subscribers.sip_settings, sip_channels.channels):
        with pytest.raises(AccessDenied):
            fn(session, actor=w.admin, subscriber_id=w.connection.id)
        with pytest.raises(AccessDenied):
            fn(session, actor=w.actor, subscriber_id=w.mobile.id)
    with pytest.raises(AccessDenied):
        sip_subscribers.list_sip_subscribers(session, actor=w.admin, account_id=w.account_id)


def test_the_sip_administrator_does_not_reach_another_companys_sip_account(session, w):
    from cabinet.services.finance import payments
    from cabinet.services.sip import invoices as sip_invoices

    other = make_account(session, make_org(session), kind=AccountKind.SIP)
    foreign = make_subscriber(session, other, number="375172009901")
    session.commit()
    for fn in (sip_subscribers.list_sip_subscribers, sip_invoices.invoice_months, sip_invoices.sip_connections,
               payments.payment_registration):
        with pytest.raises(AccessDenied):
            fn(session, actor=w.actor, account_id=other.id)
    for fn in (sip_subscribers.sip_subscriber, sip_subscribers.sip_password, sip_channels.channels):
        with pytest.raises(AccessDenied):
            fn(session, actor=w.actor, subscriber_id=foreign.id)
