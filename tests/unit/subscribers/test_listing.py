"""«Абоненты» (S1): search by number, part of it, SIM and name; filters; sorting and paging in SQL; the export,
inline and as a request done by the worker; the subscriber's card; and no access across organisations."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from cabinet.models import (
    AccountKind,
    PersonalAccount,
    Request,
    RequestItem,
    RequestKind,
    Subscriber,
    Tariff,
)
from cabinet.services.access import Actor
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.requests.store import ItemDraft, submit_request
from cabinet.services.subscribers import excel, listing
from cabinet.services.subscribers.card import subscriber_card
from tests.unit.factories import (
    connect_service,
    make_account,
    make_actor,
    make_conflict,
    make_org,
    make_service,
    make_subscriber,
    make_tariff,
    make_user,
    real_worker,
    set_mode,
    signed_in,
)


@dataclass
class World:
    account: PersonalAccount
    actor: Actor
    stranger: Actor
    start: Tariff
    optima: Tariff
    unused: Tariff
    subs: dict[str, Subscriber]


@pytest.fixture
def world(session) -> World:
    org = make_org(session)
    account = make_account(session, org)
    user = make_user(session, org, [account])
    other_org = make_org(session)
    other_account = make_account(session, other_org)
    stranger = make_user(session, other_org, [other_account])
    start = make_tariff(session, name="Бизнес Старт")
    optima = make_tariff(session, name="Бизнес Оптима")
    unused = make_tariff(session, name="Бизнес Безлимит")
    subs = {
        "ivanov": make_subscriber(session, account, number="375291234567", name="Иванов Иван", tariff_id=start.id,
                                  sim_iccid="8937502000000000017"),
        "petrova": make_subscriber(session, account, number="375291234500", name="Петрова Анна",
                                   tariff_id=optima.id, sim_iccid="89375020000000000223"),
        "sidorov": make_subscriber(session, account, number="375447654321", name="Сидоров Петр",
                                   tariff_id=optima.id, status="waiting", sim_iccid="8937502000000000033"),
        "blocked": make_subscriber(session, account, number="375330000001", name="Отдел продаж",
                                   tariff_id=start.id, status="blocked", sim_iccid="8937502000000000041"),
    }
    make_subscriber(session, other_account, number="375291111111", name="Иванов Чужой", tariff_id=start.id,
                    sim_iccid="8937502999999999999")
    session.commit()
    return World(account=account, actor=make_actor(user, [account]), stranger=make_actor(stranger, [other_account]),
                 start=start, optima=optima, unused=unused, subs=subs)


def found(session, world, **kwargs) -> list[str]:
    page = listing.list_subscribers(session, actor=world.actor, account_id=world.account.id, **kwargs)
    return [row.number for row in page.rows]


# --- search --------------------------------------------------------------------------------------------------

def test_a_whole_number_finds_exactly_that_subscriber(session, world):
    assert found(session, world, search="375291234567") == ["375291234567"]
    assert found(session, world, search="+375 (29) 123-45-67") == ["375291234567"]
    assert found(session, world, search="375291111111") == []  # another organisation's number


def test_a_part_of_the_number_finds_every_subscriber_containing_it(session, world):
    assert found(session, world, search="2912345") == ["375291234500", "375291234567"]
    assert found(session, world, search="4567") == ["375291234567"]


def test_sim_search_by_whole_iccid_and_by_a_part(session, world):
    assert found(session, world, search="89375020000000000223") == ["375291234500"]  # 20 digits
    assert found(session, world, search="8937502000000000033") == ["375447654321"]  # 19 digits
    assert found(session, world, search="0000000033") == ["375447654321"]  # the end printed on the card
    assert found(session, world, search="8937502999999999999") == []


def test_name_search_ignores_the_case_typed(session, world):
    assert found(session, world, search="иванов") == ["375291234567"]
    assert found(session, world, search="ПЕТРОВА") == ["375291234500"]
    assert found(session, world, search="продаж") == ["375330000001"]
    assert found(session, world, search="100%_") == []


def test_filters_by_tariff_and_status_and_their_choices(session, world):
    assert found(session, world, tariff_id=world.optima.id) == ["375291234500", "375447654321"]
    assert found(session, world, status="waiting") == ["375447654321"]
    assert found(session, world, tariff_id=world.start.id, status="active") == ["375291234567"]
    assert found(session, world, tariff_id=world.start.id, search="продаж") == ["375330000001"]
    filters = listing.list_filters(session, actor=world.actor, account_id=world.account.id)
    assert filters.tariffs == [(world.optima.id, "Бизнес Оптима"), (world.start.id, "Бизнес Старт")]
    assert ("waiting", "Ожидание активации") in filters.statuses and len(filters.statuses) == 5
    with pytest.raises(DomainError):
        listing.list_subscribers(session, actor=world.actor, account_id=world.account.id, status="nonsense")


def test_sorting_in_both_directions(session, world):
    assert found(session, world, sort="name") == ["375291234567", "375330000001", "375291234500", "375447654321"]
    assert found(session, world, sort="name", descending=True)[0] == "375447654321"
    assert found(session, world, sort="number", descending=True)[0] == "375447654321"
    by_tariff = found(session, world, sort="tariff")
    assert by_tariff == ["375291234500", "375447654321", "375291234567", "375330000001"]
    assert found(session, world, sort="status") == ["375291234500", "375291234567", "375447654321", "375330000001"]
    with pytest.raises(DomainError):
        found(session, world, sort="id; drop table subscriber")


def test_paging_counts_in_sql(session, world):
    for i in range(27):
        make_subscriber(session, world.account, number=f"37525{i:07d}", tariff_id=world.start.id)
    session.commit()
    first = listing.list_subscribers(session, actor=world.actor, account_id=world.account.id, page_size=10)
    assert (first.total, first.pages, len(first.rows)) == (31, 4, 10)
    last = listing.list_subscribers(session, actor=world.actor, account_id=world.account.id, page=4, page_size=10)
    assert len(last.rows) == 1 and last.rows[0].number == "375447654321"
    row = listing.list_subscribers(session, actor=world.actor, account_id=world.account.id, search="375291234567").rows[0]
    assert (row.name, row.tariff_name, row.status_title, row.sim_iccid) == (
        "Иванов Иван", "Бизнес Старт", "Активен", "8937502000000000017")


# --- export ----------------------------------------------------------------------------------------------------

def read_xlsx(source) -> list[tuple]:
    book = load_workbook(source, read_only=True)
    rows = [tuple(row) for row in book.active.iter_rows(values_only=True)]
    book.close()
    return rows


def test_export_writes_every_matching_row(session, world):
    for i in range(120):
        make_subscriber(session, world.account, number=f"37525{i:07d}", name=f"Сотрудник {i}",
                        tariff_id=world.optima.id)
    session.commit()
    out = io.BytesIO()
    count = excel.export_subscribers(session, actor=world.actor, account_id=world.account.id,
                                   tariff_id=world.optima.id, out=out)
    rows = read_xlsx(io.BytesIO(out.getvalue()))
    assert count == 122 and len(rows) == 123
    assert rows[0] == ("Номер", "Имя", "Тарифный план", "Статус", "SIM-карта", "Подключен")
    assert rows[1][:5] == ("375250000000", "Сотрудник 0", "Бизнес Оптима", "Активен", None)
    assert rows[1][5].date().isoformat() == "2021-03-01"
    assert ("375447654321", "Сидоров Петр", "Бизнес Оптима", "Ожидание активации", "8937502000000000033") in [
        r[:5] for r in rows]


def test_a_large_export_is_a_request_whose_file_the_worker_writes(session, world, data_dir):
    assert excel.EXPORT_INLINE_LIMIT == 5_000
    result = excel.order_export(session, actor=world.actor, account_id=world.account.id, search="", tariff_id=None,
                              status="active", idempotency_key="exp-1")
    session.commit()
    assert result.message.startswith(f"Заявка №{result.request_id} принята: выгрузка в Excel")
    with pytest.raises(DomainError, match="еще формируется"):
        excel.export_file(session, actor=world.actor, request_id=result.request_id)
    with pytest.raises(AccessDenied):
        excel.export_file(session, actor=world.stranger, request_id=result.request_id)

    real_worker("w1").run_once()
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    path = excel.export_file(session, actor=world.actor, request_id=result.request_id)
    assert path == data_dir / "exports" / f"{result.request_id}.xlsx"
    assert [r[0] for r in read_xlsx(path)[1:]] == ["375291234500", "375291234567"]
    request = session.get(Request, result.request_id)
    assert request.status == "done" and request.summary == "Выгрузка в Excel: абонентов — 2"
    with pytest.raises(AccessDenied):
        excel.export_file(session, actor=world.stranger, request_id=result.request_id)


def test_an_export_with_nothing_to_export_is_refused(session, world):
    with pytest.raises(DomainError, match="Нет абонентов"):
        excel.order_export(session, actor=world.actor, account_id=world.account.id, search="999888",
                         tariff_id=None, status=None, idempotency_key="exp-0")


def test_export_file_refuses_a_request_of_another_kind(session, world):
    dto = submit_request(session, actor=world.actor, account_id=world.account.id, kind=RequestKind.RENAME,
                         params={}, items=[ItemDraft(subscriber_id=world.subs["ivanov"].id)], idempotency_key="r")
    with pytest.raises(DomainError, match="не выгрузка"):
        excel.export_file(session, actor=world.actor, request_id=dto.id)


# --- the card ----------------------------------------------------------------------------------------------------

def test_the_card_shows_services_with_reasons_forwarding_and_pending_requests(session, world):
    ivanov = world.subs["ivanov"]
    inet5 = make_service(session, name="Интернет 5 ГБ", category="Интернет")
    inet20 = make_service(session, name="Интернет 20 ГБ", category="Интернет")
    onnet = make_service(session, name="Безлимит внутри сети")
    apn = make_service(session, name="Выделенный APN", self_service=False)
    unlim = make_service(session, name="Безлимитный интернет", category="Интернет")
    make_service(session, kind=AccountKind.FIXED, name="Определитель номера")
    for service in (inet5, inet20, apn):
        set_mode(session, world.start, service)
    set_mode(session, world.start, onnet, "included")
    set_mode(session, world.start, unlim, "forbidden")
    make_conflict(session, inet5, inet20)
    connect_service(session, ivanov, inet5)
    connect_service(session, ivanov, onnet)
    submit_request(session, actor=world.actor, account_id=world.account.id, kind=RequestKind.RENAME,
                   params={"name": "Новое"}, items=[ItemDraft(subscriber_id=ivanov.id)], idempotency_key="p-1")
    session.commit()

    card = subscriber_card(session, actor=world.actor, subscriber_id=ivanov.id)
    assert (card.number, card.name, card.tariff_name, card.status_title, card.sim_iccid) == (
        "375291234567", "Иванов Иван", "Бизнес Старт", "Активен", "8937502000000000017")
    assert [(s.name, s.included) for s in card.connected_services] == [
        ("Безлимит внутри сети", True), ("Интернет 5 ГБ", False)]
    reasons = {s.name: s.reason_unavailable for s in card.available_services}
    assert reasons == {
        "Выделенный APN": "Подключается только по письменному заявлению",
        "Интернет 20 ГБ": "Услуга «Интернет 20 ГБ» несовместима с подключенной услугой «Интернет 5 ГБ»",
        "Безлимитный интернет": "Услуга «Безлимитный интернет» недоступна на тарифном плане «Бизнес Старт»",
    }
    assert [(f.title, f.target) for f in card.forwarding] == [
        ("Безусловная", None), ("Если занято", None), ("Если нет ответа", None), ("Если недоступен", None)]
    assert [(p.kind_title, p.status_title) for p in card.pending] == [("Переименование", "Принята")]


# --- isolation ----------------------------------------------------------------------------------------------------

def test_another_organisation_reads_nothing(session, world):
    account_id, subscriber_id = world.account.id, world.subs["ivanov"].id
    calls = [
        lambda a: listing.list_subscribers(session, actor=a, account_id=account_id),
        lambda a: listing.count_subscribers(session, actor=a, account_id=account_id),
        lambda a: listing.list_filters(session, actor=a, account_id=account_id),
        lambda a: excel.export_subscribers(session, actor=a, account_id=account_id, out=io.BytesIO()),
        lambda a: excel.order_export(session, actor=a, account_id=account_id, idempotency_key="x-1"),
        lambda a: subscriber_card(session, actor=a, subscriber_id=subscriber_id),
    ]
    for call in calls:
        with pytest.raises(AccessDenied):
            call(world.stranger)
    assert session.query(Request).count() == 0 and session.query(RequestItem).count() == 0


def test_a_background_export_reports_its_progress(session, world, data_dir, monkeypatch):
    monkeypatch.setattr(excel, "PROGRESS_EVERY", 1)
    seen = []
    real_write = excel.progress_path

    result = excel.order_export(session, actor=world.actor, account_id=world.account.id, search="", tariff_id=None,
                              status="active", idempotency_key="exp-progress")
    session.commit()
    waiting = excel.export_progress(session, actor=world.actor, request_id=result.request_id)
    assert (waiting.done, waiting.total, waiting.ready, waiting.finished) == (0, 2, False, False)

    original = excel.write_export

    def watched(*args, progress=None, **kwargs):
        def report(done):
            progress(done)
            seen.append(real_write(result.request_id).read_text())
        return original(*args, progress=report, **kwargs)

    monkeypatch.setattr("cabinet.services.subscribers.handlers.write_export", watched)
    real_worker("w1").run_once()
    session.commit()
    assert seen == ["1 2", "2 2"]
    done = excel.export_progress(session, actor=world.actor, request_id=result.request_id)
    assert (done.done, done.total, done.ready, done.finished) == (2, 2, True, True)
    with pytest.raises(AccessDenied):
        excel.export_progress(session, actor=world.stranger, request_id=result.request_id)


# --- page view: one load, one unit of work --------------------------------------------------------------------------

def test_subscribers_page_shows_the_filters_and_the_first_page(session, world):
    found = listing.subscribers_page(session, actor=world.actor, account_id=world.account.id, page_size=3)

    assert found.filters.tariffs == [(world.optima.id, "Бизнес Оптима"), (world.start.id, "Бизнес Старт")]
    assert ("waiting", "Ожидание активации") in found.filters.statuses
    assert (found.subscribers.total, found.subscribers.pages) == (4, 2)
    assert [r.number for r in found.subscribers.rows] == ["375291234500", "375291234567", "375330000001"]
    kept = listing.subscribers_page(session, actor=world.actor, account_id=world.account.id, search="иванов",
                                    page=3)
    assert [r.number for r in kept.subscribers.rows] == ["375291234567"] and kept.subscribers.page == 1
    with pytest.raises(AccessDenied):
        listing.subscribers_page(session, actor=world.stranger, account_id=world.account.id)


def test_a_small_export_is_a_link_to_the_file_written_when_fetched(session, world):
    actor, _ = signed_in(session, world.actor.user_id)
    started = excel.start_export(session, actor=actor, account_id=world.account.id, status="active",
                                 idempotency_key="exp-link")
    assert started.order is None and started.url.startswith(f"{excel.FILE_PATH}?link=")
    document = excel.subscribers_file(session, link=started.url.split("link=", 1)[1])
    assert document.filename == "Абоненты.xlsx"
    assert [r[0] for r in read_xlsx(io.BytesIO(document.content))[1:]] == ["375291234500", "375291234567"]
    with pytest.raises(AccessDenied):
        excel.start_export(session, actor=world.stranger, account_id=world.account.id, idempotency_key="x")


def test_a_large_export_is_ordered_and_its_file_fetched_by_a_link_once_written(session, world, data_dir,
                                                                               monkeypatch):
    monkeypatch.setattr(excel, "EXPORT_INLINE_LIMIT", 1)
    actor, _ = signed_in(session, world.actor.user_id)
    started = excel.start_export(session, actor=actor, account_id=world.account.id, status="active",
                                 idempotency_key="exp-big")
    session.commit()
    assert started.url == "" and started.order.message.startswith(f"Заявка №{started.order.request_id} принята")
    with pytest.raises(DomainError, match="еще формируется"):
        excel.export_link(session, actor=actor, request_id=started.order.request_id)
    real_worker("w1").run_once()
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    url = excel.export_link(session, actor=actor, request_id=started.order.request_id)
    document = excel.exported_file(session, link=url.split("link=", 1)[1])
    assert [r[0] for r in read_xlsx(io.BytesIO(document.content))[1:]] == ["375291234500", "375291234567"]
    with pytest.raises(AccessDenied):
        excel.export_link(session, actor=world.stranger, request_id=started.order.request_id)
