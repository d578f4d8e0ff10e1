"""Requests («заявки»): submitted once, listed newest first for the right people only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from cabinet import clock
from cabinet.models import AuditEvent, Request, RequestItem, RequestKind
from cabinet.services.auth import sessions
from cabinet.services.errors import AccessDenied
from cabinet.services.requests import history, store
from cabinet.services.requests.store import ItemDraft
from tests.unit.factories import make_account, make_actor, make_org, make_subscriber, make_user, signed_in


@pytest.fixture
def world(session):
    org = make_org(session)
    account = make_account(session, org)
    user = make_user(session, org, [account], full_name="Петрова Анна")
    subscribers = [make_subscriber(session, account) for _ in range(3)]
    other_org = make_org(session)
    other_account = make_account(session, other_org)
    stranger = make_user(session, other_org, [other_account], full_name="")
    session.commit()
    return dict(
        org=org,
        account=account,
        actor=make_actor(user, [account]),
        subscribers=subscribers,
        other_account=other_account,
        stranger=make_actor(stranger, [other_account]),
        stranger_login=stranger.login,
    )


def submit(session, world, key="key-1", n_items=None, **kw):
    subs = world["subscribers"] if n_items is None else world["subscribers"][:n_items]
    values = dict(
        actor=world["actor"],
        account_id=world["account"].id,
        kind=RequestKind.RENAME,
        params={"name": "Склад"},
        items=[ItemDraft(subscriber_id=s.id, params={"name": f"Склад {s.id}"}) for s in subs],
        idempotency_key=key,
    )
    values.update(kw)
    return store.submit_request(session, **values)


def test_submit_stores_request_with_all_items_and_audit(session, world):
    dto = submit(session, world, expected_on=dt.date(2026, 11, 30), summary="Переименование 3 абонентов")
    session.commit()

    assert dto.status == "new" and dto.status_title == "Принята"
    assert dto.kind_title == "Переименование"
    assert dto.author == "Петрова Анна"
    assert (dto.total_items, dto.done_items, dto.refused_items, dto.waiting_items) == (3, 0, 0, 3)
    assert dto.expected_on == dt.date(2026, 11, 30)
    items = session.exec(select(RequestItem).where(RequestItem.request_id == dto.id).order_by(RequestItem.position)).all()
    assert [i.number for i in items] == [s.number for s in world["subscribers"]]  # numbers filled in
    assert [i.position for i in items] == [1, 2, 3]
    assert all(i.status == "waiting" for i in items)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "request.submitted")).all()
    assert len(events) == 1 and events[0].object_id == str(dto.id) and events[0].user_id == world["actor"].user_id


def test_submit_does_not_commit(session, world):
    submit(session, world)
    session.rollback()
    assert session.exec(select(Request)).all() == []
    assert session.exec(select(RequestItem)).all() == []


def test_double_submit_with_same_key_makes_one_request(session, world):
    first = submit(session, world, key="double-click")
    session.commit()
    second = submit(session, world, key="double-click")
    session.commit()

    assert second.id == first.id
    assert len(session.exec(select(Request)).all()) == 1
    assert len(session.exec(select(RequestItem)).all()) == 3
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "request.submitted")).all()) == 1


def test_race_on_the_key_returns_the_request_stored_by_the_other_submission(session, world, monkeypatch):
    first = submit(session, world, key="race")
    session.commit()
    # The look-up misses (the other submission was not committed yet when we looked); the insert then collides.
    monkeypatch.setattr(store, "_find_by_key", _miss_once(store._find_by_key))

    again = submit(session, world, key="race")
    session.commit()  # the caller's unit of work is still usable after the collision

    assert again.id == first.id
    assert len(session.exec(select(Request)).all()) == 1
    assert len(session.exec(select(RequestItem)).all()) == 3


def _miss_once(real):
    calls = []

    def find(session, key):
        calls.append(key)
        return None if len(calls) == 1 else real(session, key)

    return find


def test_large_list_inserted_at_once(session, world):
    items = [ItemDraft(number=f"375{290000000 + i}") for i in range(12_000)]
    dto = submit(session, world, key="bulk", items=items)
    session.commit()
    assert dto.total_items == 12_000
    count = session.exec(select(RequestItem.id).where(RequestItem.request_id == dto.id)).all()
    assert len(count) == 12_000


def test_subscriber_of_another_account_is_refused(session, world):
    foreign = make_subscriber(session, world["other_account"])
    session.commit()
    with pytest.raises(AccessDenied):
        submit(session, world, items=[ItemDraft(subscriber_id=foreign.id)])
    session.rollback()
    assert session.exec(select(Request)).all() == []


def test_list_is_newest_first_and_paged_in_sql(session, world):
    ids = []
    for n in range(5):
        ids.append(submit(session, world, key=f"k{n}", n_items=1).id)
        clock.advance(minutes=1)
    session.commit()

    page1 = history.list_requests(session, actor=world["actor"], account_id=world["account"].id, page=1, page_size=2)
    page3 = history.list_requests(session, actor=world["actor"], account_id=world["account"].id, page=3, page_size=2)

    assert page1.total == 5 and page1.pages == 3
    assert [r.id for r in page1.rows] == [ids[4], ids[3]]
    assert [r.id for r in page3.rows] == [ids[0]]
    assert page1.rows[0].author == "Петрова Анна"
    assert page1.rows[0].created_at == dt.datetime(2026, 11, 16, 10, 4)


def test_same_moment_ordered_by_id_desc(session, world):
    a = submit(session, world, key="a", n_items=1)
    b = submit(session, world, key="b", n_items=1)
    session.commit()
    rows = history.list_requests(session, actor=world["actor"], account_id=world["account"].id).rows
    assert [r.id for r in rows] == [b.id, a.id]


def test_author_without_full_name_shown_by_login(session, world):
    dto = store.submit_request(
        session,
        actor=world["stranger"],
        account_id=world["other_account"].id,
        kind=RequestKind.INVOICE_EMAIL,
        params={},
        items=[],
        idempotency_key="s-1",
    )
    assert dto.author == world["stranger_login"]


def test_another_organisation_cannot_list_get_or_submit(session, world):
    dto = submit(session, world)
    session.commit()
    stranger = world["stranger"]
    account_id = world["account"].id

    with pytest.raises(AccessDenied):
        history.list_requests(session, actor=stranger, account_id=account_id)
    with pytest.raises(AccessDenied):
        history.get_request(session, actor=stranger, request_id=dto.id)
    with pytest.raises(AccessDenied):
        history.list_request_items(session, actor=stranger, request_id=dto.id)
    with pytest.raises(AccessDenied):
        submit(session, world, key="intruder", actor=stranger)
    # Claiming someone else's account in the actor does not help: the organisation is checked too.
    forged = type(stranger)(
        user_id=stranger.user_id,
        organization_id=stranger.organization_id,
        role=stranger.role,
        accounts=frozenset({(account_id, "mobile")}),
    )
    with pytest.raises(AccessDenied):
        history.list_requests(session, actor=forged, account_id=account_id)
    with pytest.raises(AccessDenied):
        history.get_request(session, actor=forged, request_id=dto.id)
    # Replaying the owner's idempotency key reveals nothing either.
    with pytest.raises(AccessDenied):
        store.submit_request(
            session, actor=stranger, account_id=world["other_account"].id, kind=RequestKind.RENAME,
            params={}, items=[], idempotency_key="key-1",
        )
    session.rollback()
    assert len(session.exec(select(Request)).all()) == 1


def test_get_request_and_items_for_the_owner(session, world):
    dto = submit(session, world)
    session.commit()
    got = history.get_request(session, actor=world["actor"], request_id=dto.id)
    assert got == dto
    items = history.list_request_items(session, actor=world["actor"], request_id=dto.id, page_size=2)
    assert items.total == 3 and len(items.rows) == 2
    assert items.rows[0].status_title == "В обработке"


# --- page views: one load, one unit of work -------------------------------------------------------------------------

def test_history_page_shows_the_authors_and_the_first_page(session, world):
    for n in range(3):
        submit(session, world, key=f"key-{n}")
    session.commit()

    found = history.history_page(session, actor=world["actor"], account_id=world["account"].id, page_size=2)

    assert [name for _, name in found.authors] == ["Петрова Анна"]
    assert (found.requests.total, found.requests.pages, len(found.requests.rows)) == (3, 2, 2)
    assert found.requests.rows[0].kind_title == "Переименование"
    with pytest.raises(AccessDenied):
        history.history_page(session, actor=world["stranger"], account_id=world["account"].id)


def test_request_view_shows_the_request_and_one_page_of_its_items(session, world):
    dto = submit(session, world)
    session.commit()

    found = history.request_view(session, actor=world["actor"], request_id=dto.id, page=2, page_size=2)

    assert (found.request.id, found.request.status_title, found.request.total_items) == (dto.id, "Принята", 3)
    assert (found.items.total, found.items.page, found.items.pages) == (3, 2, 2)
    assert [i.number for i in found.items.rows] == [world["subscribers"][2].number]
    with pytest.raises(AccessDenied):
        history.request_view(session, actor=world["stranger"], request_id=dto.id)


def test_the_results_are_fetched_by_a_link_of_the_session_that_may_see_them(session, world):
    dto = submit(session, world)
    session.commit()
    actor, token = signed_in(session, world["actor"].user_id)
    url = history.items_link(session, actor=actor, request_id=dto.id)
    assert url.startswith(f"{history.ITEMS_PATH}?link=")
    document = history.items_file(session, link=url.split("link=", 1)[1])
    assert document.filename == f"Заявка_{dto.id}.xlsx"
    rows = list(load_workbook(io.BytesIO(document.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Номер", "Статус", "Результат") and len(rows) == 1 + len(world["subscribers"])
    with pytest.raises(AccessDenied):
        history.items_link(session, actor=world["stranger"], request_id=dto.id)
    sessions.sign_out(session, token=token)
    with pytest.raises(AccessDenied):
        history.items_file(session, link=url.split("link=", 1)[1])


def test_the_history_filter_lists_each_kind_a_company_account_can_have_once():
    from cabinet import bootstrap

    kinds = history.history_filters().kinds
    values, titles = [value for value, _ in kinds], [title for _, title in kinds]
    assert len(set(values)) == len(values) and len(set(titles)) == len(titles)
    handled = set(bootstrap.handler_registry().handlers)
    assert set(values) <= handled  # a kind nothing carries out is never offered
    assert "Регистрация оплаты" in titles and titles.count("Отправка счета") == 1
    assert "Начисления за текущий период" not in titles and "SIP-многоканальность" not in titles  # SIP cabinet's
    assert {title for _, title in history.history_filters().statuses} >= {"Принята", "Выполнена", "Отозвана"}
