"""Operations on lists of subscribers (B1–B5) and the history of requests (B6): one request per confirmation with
one item per subscriber, each item's refusal reason recorded by the worker, idempotent confirmation, a worker
stopped half-way finishing every item exactly once, the history's filters, progress and export, and no access
across organisations."""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass

import openpyxl
import pytest
from sqlalchemy import func, insert, select

from cabinet import bootstrap, clock
from cabinet.models import (
    AuditEvent,
    Organization,
    PersonalAccount,
    Request,
    RequestItem,
    Service,
    SimCard,
    Subscriber,
    SubscriberService,
    Tariff,
)
from cabinet.services.access import Actor
from cabinet.services.bulk import orders as bulk
from cabinet.services.bulk.orders import Choice, ListRejected
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.requests import history
from cabinet.services.requests.handling import Registry
from cabinet.services.subscribers import choice as bulk_choice
from cabinet.services.subscribers.uploads import UploadRejected
from cabinet.worker import Worker, claims
from tests.unit.factories import (
    connect_service,
    item_results,
    make_account,
    make_actor,
    make_conflict,
    make_org,
    make_service,
    make_sim,
    make_subscriber,
    make_tariff,
    make_user,
    process,
    real_worker,
    set_mode,
)


@dataclass
class World:
    org: Organization
    account: PersonalAccount
    actor: Actor
    colleague: Actor
    other_account: PersonalAccount
    stranger: Actor
    start: Tariff
    optima: Tariff
    svc: dict[str, Service]
    ivan: Subscriber  # active, «Бизнес Старт», SIM in use
    petr: Subscriber  # active, «Бизнес Старт», has «Интернет 5 ГБ»
    olga: Subscriber  # active, «Бизнес Оптима»
    waiting: Subscriber
    blocked: Subscriber
    gone: Subscriber  # terminated
    foreign: Subscriber  # on the other organisation's account


@pytest.fixture
def w(session) -> World:
    org = make_org(session)
    account = make_account(session, org)
    user = make_user(session, org, [account], full_name="Иванов Иван")
    colleague = make_user(session, org, [account], full_name="Петрова Анна")
    other_org = make_org(session)
    other_account = make_account(session, other_org)
    stranger = make_user(session, other_org, [other_account])
    start = make_tariff(session, name="Бизнес Старт")
    optima = make_tariff(session, name="Бизнес Оптима")
    s = {
        "inet5": make_service(session, name="Интернет 5 ГБ", category="Интернет"),
        "inet20": make_service(session, name="Интернет 20 ГБ", category="Интернет"),
        "unlim": make_service(session, name="Безлимитный интернет", category="Интернет"),
        "apn": make_service(session, name="Выделенный APN", self_service=False),
        "roam": make_service(session, name="Роуминг Европа", category="Роуминг"),
    }
    for tariff, modes in ((start, {"inet5": "allowed", "inet20": "allowed", "unlim": "forbidden", "apn": "allowed",
                                       "roam": "allowed"}),
                          (optima, {"inet5": "allowed", "inet20": "allowed", "unlim": "allowed", "apn": "allowed",
                                        "roam": "forbidden"})):
        for code, mode in modes.items():
            set_mode(session, tariff, s[code], mode)
    make_conflict(session, s["inet5"], s["inet20"])
    sim = make_sim(session, org, state="in_use", iccid="8937502000000000017")
    ivan = make_subscriber(session, account, number="375291000001", name="Иванов Иван", tariff_id=start.id,
                           sim_iccid=sim.iccid)
    petr = make_subscriber(session, account, number="375291000002", name="Петров Петр", tariff_id=start.id)
    connect_service(session, petr, s["inet5"])
    olga = make_subscriber(session, account, number="375291000003", name="Ольга", tariff_id=optima.id)
    waiting = make_subscriber(session, account, number="375291000004", tariff_id=start.id, status="waiting",
                              connected_on=None)
    blocked = make_subscriber(session, account, number="375291000005", tariff_id=start.id, status="blocked")
    gone = make_subscriber(session, account, number="375291000006", tariff_id=start.id, status="terminated")
    foreign = make_subscriber(session, other_account, number="375297000001", tariff_id=start.id)
    session.commit()
    return World(org=org, account=account, actor=make_actor(user, [account]),
                 colleague=make_actor(colleague, [account]), other_account=other_account,
                 stranger=make_actor(stranger, [other_account]), start=start, optima=optima, svc=s, ivan=ivan,
                 petr=petr, olga=olga, waiting=waiting, blocked=blocked, gone=gone, foreign=foreign)


_keys = iter(range(1, 100_000))


def key() -> str:
    return f"bulk-{next(_keys)}"


def ids(*subscribers) -> Choice:
    return Choice(subscriber_ids=[s.id for s in subscribers])



def connected(session, subscriber) -> set[str]:
    return set(session.execute(select(Service.name).join(SubscriberService, SubscriberService.service_id == Service.id)
                               .where(SubscriberService.subscriber_id == subscriber.id)).scalars())


def count(session, model, *where) -> int:
    session.commit()  # read what the workers committed, not this session's snapshot
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def services(session, w, choice, code="inet20", connect=True, actor=None, account=None, idempotency_key=None):
    return bulk.order_bulk_services(session, actor=actor or w.actor, account_id=(account or w.account).id,
                                    choice=choice, service_id=w.svc[code].id, connect=connect,
                                    idempotency_key=idempotency_key or key())


# --- the choice -----------------------------------------------------------------------------------------------

def test_a_choice_resolves_to_the_accounts_ids_three_ways(session, w):
    resolve = bulk.resolve_choice
    assert resolve(session, actor=w.actor, account_id=w.account.id,
                   choice=Choice(subscriber_ids=[w.olga.id, w.ivan.id, w.olga.id])) == [w.olga.id, w.ivan.id]
    assert resolve(session, actor=w.actor, account_id=w.account.id, choice=Choice(all_matching="Петров")) == [w.petr.id]
    every = resolve(session, actor=w.actor, account_id=w.account.id, choice=Choice(all_matching=""))
    assert len(every) == 6
    assert resolve(session, actor=w.actor, account_id=w.account.id, choice=Choice(all_matching=""),
                   status="waiting") == [w.waiting.id]
    assert resolve(session, actor=w.actor, account_id=w.account.id,
                   choice=Choice(numbers=["375291000003", "375291000001"])) == [w.olga.id, w.ivan.id]


def test_a_choice_refuses_foreign_ids_unknown_numbers_nothing_two_ways_and_too_many(session, w, monkeypatch):
    def resolve(choice, **kw):
        return bulk.resolve_choice(session, actor=w.actor, account_id=w.account.id, choice=choice, **kw)

    with pytest.raises(AccessDenied):
        resolve(ids(w.ivan, w.foreign))
    with pytest.raises(AccessDenied):
        resolve(Choice(subscriber_ids=["x"]))
    with pytest.raises(UploadRejected) as rejected:
        resolve(Choice(numbers=["375291000001", "375297000001", "375290000000"]))
    assert [(e.row, e.value, e.reason) for e in rejected.value.errors] == [
        (2, "375297000001", "номер не найден на этом лицевом счете"),
        (3, "375290000000", "номер не найден на этом лицевом счете")]
    for nothing in (Choice(), Choice(subscriber_ids=[]), Choice(numbers=[]), Choice(all_matching="нет такого")):
        with pytest.raises(DomainError, match="Выберите хотя бы одного абонента"):
            resolve(nothing)
    with pytest.raises(DomainError, match="одним способом"):
        resolve(Choice(subscriber_ids=[w.ivan.id], numbers=["375291000001"]))
    monkeypatch.setattr(bulk_choice, "MAX_CHOICE", 2)
    for too_many in (ids(w.ivan, w.petr, w.olga), Choice(all_matching=""),
                     Choice(numbers=["375291000001", "375291000002", "375291000003"])):
        with pytest.raises(DomainError, match="не более 2 абонентов"):
            resolve(too_many)
    assert count(session, Request) == 0


# --- B1 -------------------------------------------------------------------------------------------------------

def test_b1_one_request_each_item_done_or_refused_with_its_reason(session, w):
    result = services(session, w, ids(w.ivan, w.petr, w.olga, w.blocked, w.gone))
    assert result.total == 5
    assert result.message == (f"Заявка №{result.request_id} принята: подключение услуги «Интернет 20 ГБ» — "
                              "5 абонентов. Результат по каждому абоненту — в разделе «История заявок».")
    assert count(session, Request) == 1 and count(session, RequestItem) == 5
    roam = services(session, w, ids(w.ivan, w.olga), code="roam")
    process(session)
    assert item_results(session, result.request_id) == {
        "375291000001": ("done", "Услуга «Интернет 20 ГБ» подключена"),
        "375291000002": ("refused", "Услуга «Интернет 20 ГБ» несовместима с подключенной услугой «Интернет 5 ГБ»"),
        "375291000003": ("done", "Услуга «Интернет 20 ГБ» подключена"),
        "375291000005": ("refused", "Абонент в статусе «Заблокирован»: операции с услугами недоступны"),
        "375291000006": ("refused", "Абонент в статусе «Обслуживание прекращено»: операции с услугами недоступны"),
    }
    assert item_results(session, roam.request_id)["375291000003"] == (
        "refused", "Услуга «Роуминг Европа» недоступна на тарифном плане «Бизнес Оптима»")
    assert connected(session, w.ivan) == {"Интернет 20 ГБ", "Роуминг Европа"}
    assert connected(session, w.petr) == {"Интернет 5 ГБ"}
    shown = history.get_request(session, actor=w.actor, request_id=result.request_id)
    assert (shown.status_title, shown.done_items, shown.refused_items) == ("Выполнена частично", 2, 3)

    off = services(session, w, ids(w.petr, w.olga), code="inet5", connect=False)
    process(session)
    assert item_results(session, off.request_id) == {
        "375291000002": ("done", "Услуга «Интернет 5 ГБ» отключена"),
        "375291000003": ("refused", "Услуга «Интернет 5 ГБ» не подключена."),
    }


def test_b1_refuses_at_once_what_is_the_same_for_the_whole_list(session, w):
    fixed = make_service(session, kind="fixed", name="Городской АОН")
    session.commit()
    with pytest.raises(DomainError) as error:
        services(session, w, ids(w.ivan), code="apn")
    assert error.value.message == "Услуга «Выделенный APN»: подключается только по письменному заявлению"
    for service_id in (fixed.id, 999_999, "abc"):
        with pytest.raises(DomainError, match="Услуга не найдена"):
            bulk.order_bulk_services(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan),
                                     service_id=service_id, connect=True, idempotency_key=key())
    assert count(session, Request) == 0


# --- B2 -------------------------------------------------------------------------------------------------------

def test_b2_tariff_for_a_list_with_a_service_set_and_reasons_per_subscriber(session, w):
    result = bulk.order_bulk_tariff(session, actor=w.actor, account_id=w.account.id,
                                    choice=ids(w.ivan, w.olga, w.blocked), tariff_id=w.optima.id,
                                    service_ids=[w.svc["unlim"].id], idempotency_key=key())
    process(session)
    assert item_results(session, result.request_id) == {
        "375291000001": ("done", "Тарифный план «Бизнес Оптима» подключен"),
        "375291000003": ("refused", "Тарифный план «Бизнес Оптима» уже подключен."),
        "375291000005": ("refused", "Абонент в статусе «Заблокирован»: смена тарифного плана недоступна"),
    }
    session.refresh(w.ivan)
    assert w.ivan.tariff_id == w.optima.id and connected(session, w.ivan) == {"Безлимитный интернет"}


def test_b2_a_tariff_withdrawn_after_the_order_is_refused_per_item(session, w):
    result = bulk.order_bulk_tariff(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan, w.petr),
                                    tariff_id=w.optima.id, service_ids=[], idempotency_key=key())
    w.optima.is_archived = True
    session.add(w.optima)
    process(session)
    assert set(item_results(session, result.request_id).values()) == {
        ("refused", "Тарифный план недоступен для подключения.")}


def test_b2_refuses_at_once_a_tariff_or_a_set_not_allowed(session, w):
    archived = make_tariff(session, name="Бизнес Классик", is_archived=True)
    fixed = make_tariff(session, kind="fixed", name="Офис")
    session.commit()
    for tariff_id in (archived.id, fixed.id, 999_999):
        with pytest.raises(DomainError, match="Тарифный план недоступен для подключения"):
            bulk.order_bulk_tariff(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan),
                                   tariff_id=tariff_id, service_ids=[], idempotency_key=key())
    with pytest.raises(DomainError) as error:
        bulk.order_bulk_tariff(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan),
                               tariff_id=w.optima.id, service_ids=[w.svc["inet5"].id, w.svc["inet20"].id],
                               idempotency_key=key())
    assert "несовместимы" in error.value.message
    with pytest.raises(DomainError, match="недоступна на тарифном плане «Бизнес Старт»"):
        bulk.order_bulk_tariff(session, actor=w.actor, account_id=w.account.id, choice=ids(w.olga),
                               tariff_id=w.start.id, service_ids=[w.svc["unlim"].id], idempotency_key=key())
    assert count(session, Request) == 0


# --- B3 -------------------------------------------------------------------------------------------------------

def rename(session, w, names, **kw):
    return bulk.order_bulk_rename(session, actor=w.actor, account_id=w.account.id,
                                  names={s.id: name for s, name in names}, idempotency_key=key(), **kw)


def test_b3_only_the_confirmed_names_are_applied(session, w):
    result = rename(session, w, [(w.ivan, "  Склад   1 "), (w.olga, "Бухгалтерия (главная)")],
                    choice=ids(w.ivan, w.petr, w.olga))
    assert result.total == 2
    process(session)
    assert item_results(session, result.request_id) == {
        "375291000001": ("done", "Новое имя: «Склад 1»"),
        "375291000003": ("done", "Новое имя: «Бухгалтерия (главная)»"),
    }
    names = dict(session.execute(select(Subscriber.number, Subscriber.name)
                                 .where(Subscriber.account_id == w.account.id)).all())
    assert names["375291000002"] == "Петров Петр"  # not confirmed: unchanged
    assert names["375291000003"] == "Бухгалтерия (главная)"


def test_b3_each_name_is_validated_like_s5_and_a_bad_one_refuses_the_order(session, w):
    with pytest.raises(ListRejected) as rejected:
        rename(session, w, [(w.ivan, "Иванов Иван"), (w.petr, "   "), (w.olga, "x" * 101), (w.blocked, "@Касса"),
                            (w.gone, "Архив"), (w.waiting, "Новый")])
    reasons = {row.number: row.reason for row in rejected.value.rows}
    assert reasons == {
        "375291000001": "Новое имя совпадает с текущим.",
        "375291000002": "Введите имя абонента.",
        "375291000003": "Имя абонента — не длиннее 100 символов, сейчас 101.",
        "375291000005": "Имя абонента не может начинаться со знака «@»: в таблице Excel это начало формулы.",
        "375291000006": "Абонент в статусе «Обслуживание прекращено»: переименование недоступно",
    }
    assert rejected.value.total == 5 and rejected.value.message.startswith("Имена не сохранены: ошибок — 5.")
    with pytest.raises(DomainError, match="из выбранного списка"):
        rename(session, w, [(w.olga, "Склад")], choice=ids(w.ivan))
    with pytest.raises(AccessDenied):
        rename(session, w, [(w.foreign, "Склад")])
    with pytest.raises(DomainError, match="Измените имя хотя бы одного абонента"):
        rename(session, w, [])
    assert count(session, Request) == 0


def test_b3_a_subscriber_terminated_after_the_order_is_refused_per_item(session, w):
    result = rename(session, w, [(w.ivan, "Склад"), (w.petr, "Касса")])
    bulk.order_bulk_termination(session, actor=w.actor, account_id=w.account.id, choice=ids(w.petr),
                                idempotency_key=key())
    session.commit()
    # the termination is done first (as if it had been placed earlier)
    stop = session.execute(select(Request).where(Request.kind == "termination")).scalar_one()
    stop.created_at = clock.now() - dt.timedelta(minutes=1)
    session.add(stop)
    process(session)
    assert item_results(session, result.request_id) == {
        "375291000001": ("done", "Новое имя: «Склад»"),
        "375291000002": ("refused", "Абонент в статусе «Обслуживание прекращено»: переименование недоступно"),
    }


# --- B4 -------------------------------------------------------------------------------------------------------

def test_b4_lists_the_waiting_activates_them_and_refuses_others_at_order_time(session, w):
    second = make_subscriber(session, w.account, number="375291000007", tariff_id=w.start.id, status="waiting",
                             connected_on=None)
    session.commit()
    page = bulk.list_inactive(session, actor=w.actor, account_id=w.account.id)
    assert [r.number for r in page.rows] == ["375291000004", "375291000007"] and page.total == 2
    with pytest.raises(ListRejected) as rejected:
        bulk.order_bulk_activation(session, actor=w.actor, account_id=w.account.id,
                                   choice=ids(w.waiting, w.ivan, w.gone), idempotency_key=key())
    assert "375291000001, 375291000006" in rejected.value.message
    assert [(r.number, r.reason) for r in rejected.value.rows] == [
        ("375291000001", "в статусе «Активен»"), ("375291000006", "в статусе «Обслуживание прекращено»")]
    assert count(session, Request) == 0

    result = bulk.order_bulk_activation(session, actor=w.actor, account_id=w.account.id,
                                        choice=Choice(all_matching=""), idempotency_key=key())
    assert result.total == 2  # «all matching» on this tab = all waiting
    process(session)
    assert set(item_results(session, result.request_id).values()) == {("done", "Абонент активирован")}
    assert bulk.list_inactive(session, actor=w.actor, account_id=w.account.id).total == 0
    session.refresh(second)
    assert (second.status, second.connected_on) == ("active", clock.today())


def test_b4_a_subscriber_activated_meanwhile_is_refused_per_item(session, w):
    one = bulk.order_bulk_activation(session, actor=w.actor, account_id=w.account.id, choice=ids(w.waiting),
                                     idempotency_key=key())
    two = bulk.order_bulk_activation(session, actor=w.colleague, account_id=w.account.id, choice=ids(w.waiting),
                                     idempotency_key=key())
    process(session)
    assert item_results(session, one.request_id) == {"375291000004": ("done", "Абонент активирован")}
    assert item_results(session, two.request_id) == {"375291000004": (
        "refused", "Абонент в статусе «Активен»: активировать можно только абонента в статусе «Ожидание активации»")}


# --- B5 -------------------------------------------------------------------------------------------------------

def test_b5_terminates_active_subscribers_retires_the_sim_and_refuses_the_already_terminated(session, w):
    assert {r.number for r in bulk.list_active(session, actor=w.actor, account_id=w.account.id).rows} == {
        "375291000001", "375291000002", "375291000003"}
    with pytest.raises(ListRejected, match="Прекратить обслуживание можно только активных абонентов"):
        bulk.order_bulk_termination(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan, w.blocked),
                                    idempotency_key=key())
    one = bulk.order_bulk_termination(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan, w.petr),
                                      idempotency_key=key())
    session.commit()
    session.refresh(w.ivan)
    assert w.ivan.status == "active"  # only once the worker does the item
    two = bulk.order_bulk_termination(session, actor=w.colleague, account_id=w.account.id, choice=ids(w.ivan),
                                      idempotency_key=key())
    process(session)
    assert item_results(session, one.request_id) == {
        "375291000001": ("done", "Обслуживание прекращено, SIM-карта 8937502000000000017 выведена из обращения"),
        "375291000002": ("done", "Обслуживание прекращено"),
    }
    assert item_results(session, two.request_id) == {"375291000001": (
        "refused", "Абонент в статусе «Обслуживание прекращено»: обслуживание уже прекращено")}
    session.refresh(w.ivan)
    assert (w.ivan.status, w.ivan.version) == ("terminated", 1)
    assert session.get(SimCard, "8937502000000000017").state == "retired"
    assert count(session, AuditEvent, AuditEvent.action == "subscriber.terminated") == 2


# --- idempotency --------------------------------------------------------------------------------------------------

def test_a_repeated_confirmation_returns_the_same_request(session, w):
    first = services(session, w, ids(w.ivan, w.olga), idempotency_key="confirm-1")
    again = services(session, w, ids(w.ivan), idempotency_key="confirm-1")
    assert again == first and count(session, Request) == 1 and count(session, RequestItem) == 2

    activation = bulk.order_bulk_activation(session, actor=w.actor, account_id=w.account.id,
                                            choice=ids(w.waiting), idempotency_key="confirm-2")
    process(session)
    # after the worker did it the subscriber is active: the repeat still gets the request, not a refusal
    assert bulk.order_bulk_activation(session, actor=w.actor, account_id=w.account.id, choice=ids(w.waiting),
                                      idempotency_key="confirm-2") == activation
    with pytest.raises(DomainError, match="уже отправлена с другими данными"):
        bulk.order_bulk_termination(session, actor=w.actor, account_id=w.account.id, choice=ids(w.ivan),
                                    idempotency_key="confirm-2")
    assert count(session, Request) == 2


# --- the worker stopped half-way ------------------------------------------------------------------------------

def many(session, w, n: int, start: int = 100_000) -> list[int]:
    """n active subscribers on the account, inserted at once; their ids."""
    rows = [{"account_id": w.account.id, "number": f"375295{start + i:06d}", "name": f"Абонент {i}",
                 "tariff_id": w.start.id, "status": "active", "self_sim_replacement": True, "version": 0} for i in range(n)]
    session.execute(insert(Subscriber.__table__), rows)
    session.commit()
    return list(session.execute(select(Subscriber.id).where(Subscriber.number.like("375295%"))
                                .order_by(Subscriber.number)).scalars())


def test_a_worker_stopped_mid_request_and_restarted_does_every_item_exactly_once(session, w, monkeypatch):
    chosen = many(session, w, 50)
    result = services(session, w, Choice(subscriber_ids=chosen), code="roam")
    session.commit()

    # 1. stopped by max_items after 12
    assert real_worker("w1").process_next_request(max_items=12)
    assert history.request_progress(session, actor=w.actor, request_id=result.request_id) == history.Progress(
        total=50, done=12, refused=0, waiting=38, status_title="Выполняется", finished=False)

    # 2. stopped by the halt event after 5 more (the rest of its claimed batch given back)
    halt = threading.Event()
    registry = bootstrap.handler_registry()
    real = registry.handler("services")
    calls = []

    def handler(*args):
        calls.append(1)
        if len(calls) == 5:
            halt.set()
        return real(*args)

    halting = Registry(handlers={**registry.handlers, "services": handler}, finish_hooks=registry.finish_hooks)
    Worker(halting, worker_id="w2").process_next_request(halt=halt)
    assert count(session, RequestItem, RequestItem.status == "done") == 17
    assert count(session, RequestItem, RequestItem.claimed_by.is_not(None)) == 0

    # 3. a worker dies holding a claimed batch: its items wait for the lease, then another worker does them
    claims.claim_items(result.request_id, "dead", 10)
    real_worker("w3").run_once()
    assert count(session, RequestItem, RequestItem.status == "waiting") == 10
    clock.set_now(clock.now() + claims.ITEM_LEASE + dt.timedelta(seconds=1))
    real_worker("w4").run_once()
    session.expire_all()

    assert count(session, RequestItem, RequestItem.status == "done", RequestItem.attempts == 0) == 50
    assert count(session, SubscriberService, SubscriberService.service_id == w.svc["roam"].id) == 50
    assert count(session, AuditEvent, AuditEvent.action == "subscriber.service_connected") == 50
    assert history.request_progress(session, actor=w.actor, request_id=result.request_id) == history.Progress(
        total=50, done=50, refused=0, waiting=0, status_title="Выполнена", finished=True)


def test_a_2000_item_request_is_done_in_one_run(session, w):
    chosen = many(session, w, 2_000)
    result = bulk.order_bulk_rename(session, actor=w.actor, account_id=w.account.id,
                                    names={i: f"Отдел {n}" for n, i in enumerate(chosen)}, idempotency_key=key(),
                                    choice=Choice(all_matching="375295"))
    assert result.total == 2_000
    process(session)
    done = history.get_request(session, actor=w.actor, request_id=result.request_id)
    assert (done.status, done.done_items, done.refused_items) == ("done", 2_000, 0)
    assert count(session, Subscriber, Subscriber.name.like("Отдел %"), Subscriber.version == 1) == 2_000


# --- B6: the history -----------------------------------------------------------------------------------------------

def test_history_filters_by_kind_status_dates_and_author(session, w):
    clock.set_now(dt.datetime(2026, 11, 1, 9, 0))
    a = services(session, w, ids(w.ivan), code="roam")
    clock.set_now(dt.datetime(2026, 11, 10, 23, 59))
    b = bulk.order_bulk_activation(session, actor=w.colleague, account_id=w.account.id, choice=ids(w.waiting),
                                   idempotency_key=key())
    clock.set_now(dt.datetime(2026, 11, 16, 10, 0))
    c = services(session, w, ids(w.olga), code="roam")  # refused: forbidden on «Бизнес Оптима»
    process(session)

    def found(**filters) -> list[int]:
        return [r.id for r in history.list_requests(session, actor=w.actor, account_id=w.account.id,
                                                      **filters).rows]

    assert found() == [c.request_id, b.request_id, a.request_id]
    assert found(kind="services") == [c.request_id, a.request_id]
    assert found(status="refused") == [c.request_id]
    assert found(status="done", kind="services") == [a.request_id]
    assert found(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 10)) == [b.request_id]
    assert found(date_to=dt.date(2026, 11, 1)) == [a.request_id]
    assert found(author_id=w.colleague.user_id) == [b.request_id]
    page = history.list_requests(session, actor=w.actor, account_id=w.account.id, kind="services", page=2,
                                  page_size=1)
    assert (page.total, [r.id for r in page.rows]) == (2, [a.request_id])
    assert history.list_authors(session, actor=w.actor, account_id=w.account.id) == [
        (w.actor.user_id, "Иванов Иван"), (w.colleague.user_id, "Петрова Анна")]
    for bad in ({"kind": "nope"}, {"status": "nope"}, {"author_id": "x"},
                {"date_from": dt.date(2026, 11, 10), "date_to": dt.date(2026, 11, 1)}):
        with pytest.raises(DomainError):
            found(**bad)


def test_item_export_reopens_with_every_result(session, w):
    result = services(session, w, ids(w.ivan, w.petr))
    process(session)
    out = io.BytesIO()
    assert history.export_request_items(session, actor=w.actor, request_id=result.request_id, out=out) == 2
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Номер", "Статус", "Результат", "Обработан")
    assert rows[1][:3] == ("375291000001", "Выполнено", "Услуга «Интернет 20 ГБ» подключена")
    assert rows[2][:3] == ("375291000002", "Отказано",
                           "Услуга «Интернет 20 ГБ» несовместима с подключенной услугой «Интернет 5 ГБ»")
    assert rows[1][3] == clock.now()


# --- isolation ---------------------------------------------------------------------------------------------------

def test_another_organisation_can_neither_see_nor_create_requests_on_the_account(session, w):
    mine = services(session, w, ids(w.ivan), idempotency_key="org1-key")
    session.commit()
    s = w.stranger
    with pytest.raises(AccessDenied):
        services(session, w, ids(w.ivan), actor=s)
    with pytest.raises(AccessDenied):  # the other's subscribers named on one's own account
        services(session, w, ids(w.ivan), actor=s, account=w.other_account)
    with pytest.raises(UploadRejected):
        services(session, w, Choice(numbers=["375291000001"]), actor=s, account=w.other_account)
    with pytest.raises(AccessDenied):  # a key of the other's request
        services(session, w, ids(w.foreign), actor=s, account=w.other_account, idempotency_key="org1-key")
    for order in (
        lambda: bulk.order_bulk_tariff(session, actor=s, account_id=w.account.id, choice=ids(w.ivan),
                                       tariff_id=w.optima.id, service_ids=[], idempotency_key=key()),
        lambda: bulk.order_bulk_rename(session, actor=s, account_id=w.other_account.id, names={w.ivan.id: "X"},
                                       idempotency_key=key()),
        lambda: bulk.order_bulk_activation(session, actor=s, account_id=w.account.id, choice=ids(w.waiting),
                                           idempotency_key=key()),
        lambda: bulk.order_bulk_termination(session, actor=s, account_id=w.other_account.id, choice=ids(w.ivan),
                                            idempotency_key=key()),
        lambda: bulk.list_active(session, actor=s, account_id=w.account.id),
        lambda: bulk.resolve_choice(session, actor=s, account_id=w.account.id, choice=Choice(all_matching="")),
        lambda: history.list_requests(session, actor=s, account_id=w.account.id, kind="services"),
        lambda: history.list_authors(session, actor=s, account_id=w.account.id),
        lambda: history.request_progress(session, actor=s, request_id=mine.request_id),
        lambda: history.export_request_items(session, actor=s, request_id=mine.request_id, out=io.BytesIO()),
    ):
        with pytest.raises(AccessDenied):
            order()
    assert count(session, Request) == 1 and count(session, RequestItem) == 1
