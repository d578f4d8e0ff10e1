"""Operations on one subscriber (S2–S8): every rule when ordering, every rule again in the worker's handler, the
effect seen in the card after `Worker.run_once()`, and no access across organisations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import (
    AccountKind,
    NumberDraw,
    NumberPool,
    Organization,
    PersonalAccount,
    Request,
    RequestItem,
    Service,
    SimCard,
    Subscriber,
    Tariff,
)
from cabinet.services.access import Actor
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.subscribers import listing
from cabinet.services.subscribers import operations as ops
from cabinet.services.subscribers.card import subscriber_card
from tests.unit.factories import (
    connect_service,
    make_account,
    make_actor,
    make_conflict,
    make_org,
    make_pool_number,
    make_service,
    make_sim,
    make_subscriber,
    make_tariff,
    make_user,
    process,
    set_mode,
)

STALE = "Состояние абонента изменилось, повторите операцию"


@dataclass
class World:
    org: Organization
    account: PersonalAccount
    actor: Actor
    other_org: Organization
    other_account: PersonalAccount
    stranger: Actor
    start: Tariff
    optima: Tariff
    svc: dict[str, Service]
    ivan: Subscriber  # active, on «Бизнес Старт», SIM self-replacement available
    waiting: Subscriber
    blocked: Subscriber
    old_sim: SimCard


@pytest.fixture
def w(session) -> World:
    org = make_org(session)
    account = make_account(session, org)
    user = make_user(session, org, [account])
    other_org = make_org(session)
    other_account = make_account(session, other_org)
    stranger = make_user(session, other_org, [other_account])
    start = make_tariff(session, name="Бизнес Старт")
    optima = make_tariff(session, name="Бизнес Оптима", description="400 минут", switch_fee=2)
    make_tariff(session, name="Бизнес Классик", is_archived=True)
    make_tariff(session, kind=AccountKind.FIXED, name="Офис Базовый")
    s = {
        "inet5": make_service(session, name="Интернет 5 ГБ", category="Интернет"),
        "inet20": make_service(session, name="Интернет 20 ГБ", category="Интернет"),
        "unlim": make_service(session, name="Безлимитный интернет", category="Интернет"),
        "onnet": make_service(session, name="Безлимит внутри сети"),
        "apn": make_service(session, name="Выделенный APN", category="Для бизнеса", self_service=False),
        "roam": make_service(session, name="Роуминг Европа", category="Роуминг"),
    }
    modes = [(start, dict(inet5="allowed", inet20="allowed", unlim="forbidden", onnet="included", apn="allowed",
                         roam="allowed")),
             (optima, dict(inet5="allowed", inet20="allowed", unlim="included", onnet="allowed", apn="allowed",
                          roam="forbidden"))]
    for tariff, by_code in modes:
        for code, mode in by_code.items():
            set_mode(session, tariff, s[code], mode)
    make_conflict(session, s["inet5"], s["inet20"])
    make_conflict(session, s["inet20"], s["unlim"])
    old_sim = make_sim(session, org, state="in_use", iccid="8937502000000000017")
    ivan = make_subscriber(session, account, number="375291234567", name="Иванов Иван", tariff_id=start.id,
                           sim_iccid=old_sim.iccid)
    connect_service(session, ivan, s["onnet"])
    waiting = make_subscriber(session, account, number="375291230000", tariff_id=start.id, status="waiting",
                              sim_iccid="8937502000000000025", connected_on=None)
    blocked = make_subscriber(session, account, number="375291239999", tariff_id=start.id, status="blocked")
    session.commit()
    return World(org=org, account=account, actor=make_actor(user, [account]), other_org=other_org,
                 other_account=other_account, stranger=make_actor(stranger, [other_account]), start=start,
                 optima=optima, svc=s, ivan=ivan, waiting=waiting, blocked=blocked, old_sim=old_sim)



def item_of(session, request_id: int) -> RequestItem:
    return session.exec(select(RequestItem).where(RequestItem.request_id == request_id)).one()


def card(session, w, subscriber):
    return subscriber_card(session, actor=w.actor, subscriber_id=subscriber.id)


def refused(fn, session, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        fn(session, **kwargs)
    return error.value.message


_keys = iter(range(1, 10_000))


def key() -> str:
    return f"k-{next(_keys)}"


def service(session, w, sub, code, connect=True, actor=None):
    return ops.order_service_change(session, actor=actor or w.actor, subscriber_id=sub.id,
                                    service_id=w.svc[code].id, connect=connect, idempotency_key=key())


def service_refusal(session, w, sub, code, connect=True) -> str:
    with pytest.raises(DomainError) as error:
        service(session, w, sub, code, connect)
    return error.value.message


# --- S2 ---------------------------------------------------------------------------------------------------------

def test_connect_and_disconnect_through_the_worker(session, w):
    result = service(session, w, w.ivan, "inet5")
    assert result.message == f"Заявка №{result.request_id} принята: подключение услуги «Интернет 5 ГБ» для 375291234567"
    assert [p.id for p in card(session, w, w.ivan).pending] == [result.request_id]
    process(session)
    shown = card(session, w, w.ivan)
    assert {s.name for s in shown.connected_services} == {"Интернет 5 ГБ", "Безлимит внутри сети"}
    assert shown.pending == [] and shown.version == 1
    assert item_of(session, result.request_id).result == "Услуга «Интернет 5 ГБ» подключена"

    service(session, w, w.ivan, "inet5", connect=False)
    process(session)
    assert [s.name for s in card(session, w, w.ivan).connected_services] == ["Безлимит внутри сети"]


def test_service_rules_when_ordering(session, w):
    connect_service(session, w.ivan, w.svc["inet5"])
    assert service_refusal(session, w, w.ivan, "unlim") == (
        "Услуга «Безлимитный интернет» недоступна на тарифном плане «Бизнес Старт»")
    assert service_refusal(session, w, w.ivan, "inet20") == (
        "Услуга «Интернет 20 ГБ» несовместима с подключенной услугой «Интернет 5 ГБ»")
    assert service_refusal(session, w, w.ivan, "apn") == "Подключается только по письменному заявлению"
    assert service_refusal(session, w, w.ivan, "inet5") == "Услуга «Интернет 5 ГБ» уже подключена."
    assert service_refusal(session, w, w.ivan, "onnet", connect=False) == (
        "Услуга «Безлимит внутри сети» входит в тарифный план «Бизнес Старт» и не отключается.")
    assert service_refusal(session, w, w.ivan, "roam", connect=False) == "Услуга «Роуминг Европа» не подключена."
    assert service_refusal(session, w, w.blocked, "roam") == (
        "Абонент в статусе «Заблокирован»: операции с услугами недоступны")
    assert session.exec(select(Request)).all() == []


def test_two_supervisors_connecting_conflicting_services_get_one_and_a_reason(session, w):
    first = service(session, w, w.ivan, "inet5")
    second = service(session, w, w.ivan, "inet20")  # both allowed when ordered
    process(session)
    assert item_of(session, first.request_id).status == "done"
    second_item = item_of(session, second.request_id)
    assert (second_item.status, second_item.result) == (
        "refused", "Услуга «Интернет 20 ГБ» несовместима с подключенной услугой «Интернет 5 ГБ»")
    assert {s.name for s in card(session, w, w.ivan).connected_services} == {"Интернет 5 ГБ", "Безлимит внутри сети"}


def test_a_repeated_submission_is_one_request(session, w):
    one = ops.order_service_change(session, actor=w.actor, subscriber_id=w.ivan.id, service_id=w.svc["roam"].id,
                                   connect=True, idempotency_key="same")
    two = ops.order_service_change(session, actor=w.actor, subscriber_id=w.ivan.id, service_id=w.svc["roam"].id,
                                   connect=True, idempotency_key="same")
    assert one == two and len(session.exec(select(Request)).all()) == 1


# --- S3 ---------------------------------------------------------------------------------------------------------

def test_allowed_tariffs_are_of_the_kind_current_excluded_archived_excluded(session, w):
    options = ops.allowed_tariffs(session, actor=w.actor, subscriber_id=w.ivan.id)
    assert [o.name for o in options] == ["Бизнес Оптима"]
    modes = {s.name: s.mode for s in options[0].services}
    assert modes == {"Безлимитный интернет": "included", "Интернет 5 ГБ": "allowed", "Интернет 20 ГБ": "allowed",
                     "Безлимит внутри сети": "allowed"}  # by application and forbidden ones not offered


def test_the_subscribers_own_services_come_ticked_where_the_new_tariff_keeps_them(session, w):
    for code in ("roam", "inet5", "apn"):
        connect_service(session, w.ivan, w.svc[code])
    session.commit()
    [optima] = ops.allowed_tariffs(session, actor=w.actor, subscriber_id=w.ivan.id)
    # inet5: kept and offered; roaming: forbidden there; on-net: came with the old tariff; APN: kept but only by
    # application, so not offered to tick
    assert optima.kept == (w.svc["inet5"].id,)


def tariff(session, w, ids, tariff_id=None):
    return ops.order_tariff_change(session, actor=w.actor, subscriber_id=w.ivan.id,
                                   tariff_id=tariff_id or w.optima.id, service_ids=ids, idempotency_key=key())


def test_tariff_service_set_rules(session, w):
    msg = refused(ops.order_tariff_change, session, actor=w.actor, subscriber_id=w.ivan.id, tariff_id=w.optima.id,
                  service_ids=[w.svc["roam"].id], idempotency_key=key())
    assert msg == "Услуга «Роуминг Европа» недоступна на тарифном плане «Бизнес Оптима»"
    msg = refused(ops.order_tariff_change, session, actor=w.actor, subscriber_id=w.ivan.id, tariff_id=w.optima.id,
                  service_ids=[w.svc["inet20"].id], idempotency_key=key())
    assert msg == "Услуги «Интернет 20 ГБ» и «Безлимитный интернет» несовместимы: выберите одну из них."
    msg = refused(ops.order_tariff_change, session, actor=w.actor, subscriber_id=w.ivan.id, tariff_id=w.optima.id,
                  service_ids=[w.svc["apn"].id], idempotency_key=key())
    assert "только по письменному заявлению" in msg
    msg = refused(ops.order_tariff_change, session, actor=w.actor, subscriber_id=w.ivan.id, tariff_id=w.start.id,
                  service_ids=[], idempotency_key=key())
    assert msg == "Тарифный план «Бизнес Старт» уже подключен."


def test_tariff_change_through_the_worker(session, w):
    connect_service(session, w.ivan, w.svc["roam"])
    connect_service(session, w.ivan, w.svc["inet5"])
    connect_service(session, w.ivan, w.svc["apn"])
    result = tariff(session, w, [w.svc["inet5"].id])
    assert result.message.endswith("смена тарифного плана на «Бизнес Оптима» для 375291234567")
    process(session)
    shown = card(session, w, w.ivan)
    assert shown.tariff_name == "Бизнес Оптима"
    # roaming forbidden now: dropped; on-net came with the old tariff: dropped; APN kept; unlimited included
    assert {(s.name, s.included) for s in shown.connected_services} == {
        ("Безлимитный интернет", True), ("Интернет 5 ГБ", False), ("Выделенный APN", False)}


def test_a_tariff_order_decided_on_a_tariff_since_changed_is_refused(session, w):
    third = make_tariff(session, name="Корпоративный 50")
    session.commit()
    first = tariff(session, w, [])
    second = tariff(session, w, [], tariff_id=third.id)
    process(session)
    assert item_of(session, first.request_id).status == "done"
    assert item_of(session, second.request_id).result == STALE
    assert card(session, w, w.ivan).tariff_name == "Бизнес Оптима"


# --- S4, S5 -----------------------------------------------------------------------------------------------------

def test_activation_only_from_waiting_and_found_by_sim(session, w):
    page = listing.list_subscribers(session, actor=w.actor, account_id=w.account.id, search="0000000025")
    assert [r.status_title for r in page.rows] == ["Ожидание активации"]
    msg = refused(ops.order_activation, session, actor=w.actor, subscriber_id=w.ivan.id, idempotency_key=key())
    assert msg == "Абонент в статусе «Активен»: активировать можно только абонента в статусе «Ожидание активации»"
    first = ops.order_activation(session, actor=w.actor, subscriber_id=page.rows[0].id, idempotency_key=key())
    second = ops.order_activation(session, actor=w.actor, subscriber_id=page.rows[0].id, idempotency_key=key())
    process(session)
    shown = card(session, w, w.waiting)
    assert shown.status_title == "Активен" and shown.connected_on == clock.today()
    assert [s.name for s in shown.connected_services] == ["Безлимит внутри сети"]  # the tariff's included one
    assert item_of(session, first.request_id).result == "Абонент активирован"
    assert item_of(session, second.request_id).status == "refused"


@pytest.mark.parametrize("name, reason", [
    ("   ", "Введите имя абонента."),
    ("Я" * 101, "Имя абонента — не длиннее 100 символов, сейчас 101."),
    ("=HYPERLINK(\"http://x\")", "не может начинаться со знака «=»"),
    ("+375291234567", "не может начинаться со знака «+»"),
    ("-1", "не может начинаться со знака «-»"),
    ("@SUM(A1)", "не может начинаться со знака «@»"),
    ("Склад\t2", "управляющие символы"),
    ("Склад\x002", "управляющие символы"),
    ("Склад\u202e2", "управляющие символы"),  # a right-to-left override
    ("Иванов Иван", "Новое имя совпадает с текущим."),
])
def test_rename_rules(session, w, name, reason):
    msg = refused(ops.order_rename, session, actor=w.actor, subscriber_id=w.ivan.id, name=name, idempotency_key=key())
    assert reason in msg


def test_rename_through_the_worker(session, w):
    result = ops.order_rename(session, actor=w.actor, subscriber_id=w.ivan.id,
                              name="  Отдел «Продажи» (г. Минск), д-р Ли  ", idempotency_key=key())
    assert result.message.endswith("переименование в «Отдел «Продажи» (г. Минск), д-р Ли» для 375291234567")
    process(session)
    assert card(session, w, w.ivan).name == "Отдел «Продажи» (г. Минск), д-р Ли"


# --- S6 ---------------------------------------------------------------------------------------------------------

def forwarding(session, w, kind, target, delay=None):
    return ops.order_forwarding(session, actor=w.actor, subscriber_id=w.ivan.id, kind=kind, target=target,
                                delay_seconds=delay, idempotency_key=key())


@pytest.mark.parametrize("kind, target, delay, reason", [
    ("busy", "29123", None, "Номер переадресации — 12 цифр, начиная с 375."),
    ("busy", "80291234567", None, "Номер переадресации — 12 цифр, начиная с 375."),
    ("busy", "375291234567", None, "Нельзя переадресовать вызовы на номер самого абонента."),
    ("busy", "375291110000", 10, "Время ожидания задается только для переадресации «Если нет ответа»."),
    ("no_answer", "375291110000", 7, "Время ожидания ответа — от 5 до 30 секунд с шагом 5 секунд."),
    ("no_answer", "375291110000", 35, "Время ожидания ответа — от 5 до 30 секунд с шагом 5 секунд."),
    ("no_answer", "375291110000", 0, "Время ожидания ответа — от 5 до 30 секунд с шагом 5 секунд."),
    ("sometimes", "375291110000", None, "Выберите тип переадресации."),
    ("unreachable", None, None, "Переадресация «Если недоступен» не настроена."),
])
def test_forwarding_rules(session, w, kind, target, delay, reason):
    with pytest.raises(DomainError) as error:
        forwarding(session, w, kind, target, delay)
    assert error.value.message == reason


def test_forwarding_set_and_switched_off_through_the_worker(session, w):
    forwarding(session, w, "no_answer", "+375 29 111-00-00", 5)
    forwarding(session, w, "busy", "375291110001")
    process(session)
    shown = {f.kind: (f.title, f.target, f.delay_seconds) for f in card(session, w, w.ivan).forwarding}
    assert shown["no_answer"] == ("Если нет ответа", "375291110000", 5)
    assert shown["busy"] == ("Если занято", "375291110001", None)
    assert shown["unconditional"] == ("Безусловная", None, None)
    result = forwarding(session, w, "busy", None)
    assert "отключение переадресации «Если занято»" in result.message
    forwarding(session, w, "no_answer", "375291110000", 30)
    process(session)
    shown = {f.kind: (f.target, f.delay_seconds) for f in card(session, w, w.ivan).forwarding}
    assert shown["busy"] == (None, None) and shown["no_answer"] == ("375291110000", 30)
    assert forwarding(session, w, "unconditional", "375291110000").message.endswith("для 375291234567")
    with pytest.raises(DomainError, match="уже настроена"):
        forwarding(session, w, "no_answer", "375291110000", 30)


# --- S7 ---------------------------------------------------------------------------------------------------------

def draw(session, w, sub, category="Золотой", actor=None):
    return ops.draw_numbers(session, actor=actor or w.actor, subscriber_id=sub.id, category=category)


def test_five_draws_a_day_then_refused_then_reset_next_day(session, w):
    for _ in range(8):
        make_pool_number(session, category="Золотой", price=150)
    make_pool_number(session, category="Простой")
    make_pool_number(session, category="Простой", state="taken")
    session.commit()
    assert ops.number_categories(session, actor=w.actor, subscriber_id=w.ivan.id) == [
        ("Простой", 1, 0), ("Золотой", 8, 150)]
    left = [draw(session, w, w.ivan).draws_left for _ in range(5)]
    assert left == [4, 3, 2, 1, 0]
    assert refused(ops.draw_numbers, session, actor=w.actor, subscriber_id=w.ivan.id, category="Золотой") == (
        "Использованы все 5 попыток выбора номера. Повторите завтра.")
    assert session.exec(select(NumberDraw)).all()[0].user_id == w.actor.user_id
    clock.set_now(dt.datetime(2026, 11, 17, 0, 0, 1))
    result = draw(session, w, w.ivan)
    assert len(result.numbers) == 5 and result.draws_left == 4
    with pytest.raises(DomainError, match="категорию"):
        draw(session, w, w.ivan, category="Платиновый")


def test_number_change_reserves_at_once_and_the_worker_applies_it(session, w):
    golden = [make_pool_number(session, category="Золотой", price=150).number for _ in range(5)]
    session.commit()
    drawn = draw(session, w, w.ivan)
    assert sorted(drawn.numbers) == sorted(golden)
    msg = refused(ops.order_number_change, session, actor=w.actor, subscriber_id=w.ivan.id, number="375290000000",
                  idempotency_key=key())
    assert msg == "Выберите номер из предложенных сегодня."
    chosen = drawn.numbers[0]
    result = ops.order_number_change(session, actor=w.actor, subscriber_id=w.ivan.id, number=chosen,
                                     idempotency_key=key())
    assert result.message.endswith(f"смена номера на {chosen} для 375291234567")
    pool = session.get(NumberPool, chosen)
    assert (pool.state, pool.reserved_by_subscriber_id, pool.reserved_until) == (
        "reserved", w.ivan.id, clock.now() + dt.timedelta(days=1))
    process(session)
    assert card(session, w, w.ivan).number == chosen
    assert session.get(NumberPool, chosen).state == "taken"
    assert session.get(NumberPool, "375291234567") is None  # the old number is not offered again


def test_two_companies_ordering_the_same_drawn_number_second_refused(session, w):
    for _ in range(5):
        make_pool_number(session, category="Золотой", price=150)
    theirs = make_subscriber(session, w.other_account, number="375447770000")
    session.commit()
    ours = draw(session, w, w.ivan)
    other = draw(session, w, theirs, actor=w.stranger)
    number = ours.numbers[0]
    assert number in other.numbers
    ops.order_number_change(session, actor=w.actor, subscriber_id=w.ivan.id, number=number, idempotency_key=key())
    session.commit()
    msg = refused(ops.order_number_change, session, actor=w.stranger, subscriber_id=theirs.id, number=number,
                  idempotency_key=key())
    assert msg == f"Номер {number} уже занят. Выберите другой номер."
    # the reserved number is no longer offered, and a run-out reservation frees it
    assert number not in draw(session, w, theirs, actor=w.stranger).numbers
    assert ops.number_categories(session, actor=w.stranger, subscriber_id=theirs.id) == [("Золотой", 4, 150)]


def test_number_change_refused_when_the_number_changed_meanwhile(session, w):
    for _ in range(5):
        make_pool_number(session, category="Золотой", price=150)
    session.commit()
    numbers = draw(session, w, w.ivan).numbers
    first = ops.order_number_change(session, actor=w.actor, subscriber_id=w.ivan.id, number=numbers[0],
                                    idempotency_key=key())
    second = ops.order_number_change(session, actor=w.actor, subscriber_id=w.ivan.id, number=numbers[1],
                                     idempotency_key=key())
    process(session)
    assert item_of(session, first.request_id).status == "done"
    assert item_of(session, second.request_id).result == STALE
    assert card(session, w, w.ivan).number == numbers[0]


# --- S8 ---------------------------------------------------------------------------------------------------------

def sim(session, w, sub, iccid, actor=None):
    return ops.order_sim_replacement(session, actor=actor or w.actor, subscriber_id=sub.id, iccid=iccid,
                                     idempotency_key=key())


def test_sim_replacement_rules(session, w):
    free = make_sim(session, w.org, iccid="8937502000000000107")
    make_sim(session, w.org, state="in_use", iccid="8937502000000000115")
    theirs = make_sim(session, w.other_org, iccid="8937502000000000123")
    w.blocked.self_sim_replacement = False
    session.add(w.blocked)
    session.commit()
    assert ops.free_sims(session, actor=w.actor, account_id=w.account.id) == [free.iccid]
    msg = refused(ops.order_sim_replacement, session, actor=w.actor, subscriber_id=w.blocked.id, iccid=free.iccid,
                  idempotency_key=key())
    assert msg == ("Самостоятельная замена SIM-карты для этого абонента недоступна. "
                   "Обратитесь в центр обслуживания")
    for bad in ("893750200000", "8937502000000000115", theirs.iccid):
        with pytest.raises(DomainError):
            sim(session, w, w.ivan, bad)
    assert session.exec(select(Request)).all() == []


def test_sim_replacement_through_the_worker(session, w):
    new = make_sim(session, w.org, iccid="89375020000000001087")
    session.commit()
    result = sim(session, w, w.ivan, new.iccid)
    second = sim(session, w, w.ivan, new.iccid)  # the same SIM twice: the second finds it taken
    assert result.message.endswith(f"замена SIM-карты на {new.iccid} для 375291234567")
    process(session)
    assert card(session, w, w.ivan).sim_iccid == new.iccid
    assert session.get(SimCard, new.iccid).state == "in_use"
    assert session.get(SimCard, w.old_sim.iccid).state == "retired"
    assert item_of(session, second.request_id).result == STALE
    assert ops.free_sims(session, actor=w.actor, account_id=w.account.id) == []


# --- isolation -----------------------------------------------------------------------------------------------------

def test_another_organisation_can_neither_read_nor_change_a_subscriber(session, w):
    free = make_sim(session, w.org)
    make_pool_number(session, category="Золотой")
    session.commit()
    sid, a = w.ivan.id, w.stranger
    calls = [
        lambda: ops.order_service_change(session, actor=a, subscriber_id=sid, service_id=w.svc["roam"].id,
                                         connect=True, idempotency_key=key()),
        lambda: ops.allowed_tariffs(session, actor=a, subscriber_id=sid),
        lambda: ops.order_tariff_change(session, actor=a, subscriber_id=sid, tariff_id=w.optima.id, service_ids=[],
                                        idempotency_key=key()),
        lambda: ops.order_activation(session, actor=a, subscriber_id=w.waiting.id, idempotency_key=key()),
        lambda: ops.order_rename(session, actor=a, subscriber_id=sid, name="Чужой", idempotency_key=key()),
        lambda: ops.order_forwarding(session, actor=a, subscriber_id=sid, kind="busy", target="375291110000",
                                     delay_seconds=None, idempotency_key=key()),
        lambda: ops.draw_numbers(session, actor=a, subscriber_id=sid, category="Золотой"),
        lambda: ops.draws_left(session, actor=a, subscriber_id=sid),
        lambda: ops.order_number_change(session, actor=a, subscriber_id=sid, number="375290000000",
                                        idempotency_key=key()),
        lambda: ops.free_sims(session, actor=a, account_id=w.account.id),
        lambda: ops.order_sim_replacement(session, actor=a, subscriber_id=sid, iccid=free.iccid,
                                          idempotency_key=key()),
        lambda: subscriber_card(session, actor=a, subscriber_id=sid),
    ]
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    # an org-2 actor cannot order for its own subscriber with org 1's SIM either
    theirs = make_subscriber(session, w.other_account)
    with pytest.raises(DomainError):
        sim(session, w, theirs, free.iccid, actor=a)
    assert session.exec(select(Request)).all() == [] and session.exec(select(NumberDraw)).all() == []
