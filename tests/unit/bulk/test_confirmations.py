"""What the list operations' confirmations show and require: the count and the first numbers of the choice, and
for «Прекращение обслуживания» over 50 subscribers the count typed by the user, checked again by the order."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cabinet.models import Request, RequestItem
from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk import orders as bulk
from cabinet.services.bulk.orders import Choice
from cabinet.services.errors import DomainError
from tests.unit.factories import make_account, make_actor, make_org, make_subscriber, make_user, real_worker

_keys = iter(range(1, 10_000))


def key() -> str:
    return f"confirm-{next(_keys)}"


@pytest.fixture
def world(session):
    org = make_org(session)
    account = make_account(session, org)
    actor = make_actor(make_user(session, org, [account]), [account])
    subs = [make_subscriber(session, account, number=f"3752910{n:05d}") for n in range(60)]
    make_subscriber(session, account, number="375291099999", status="waiting")
    session.commit()
    return actor, account, subs


def terminate(session, world, count, typed=None):
    actor, account, subs = world
    return bulk.order_bulk_termination(session, actor=actor, account_id=account.id, idempotency_key=key(),
                                       choice=Choice(subscriber_ids=[s.id for s in subs[:count]]), typed_count=typed)


def test_the_preview_names_the_count_and_the_first_ten_numbers(session, world):
    actor, account, subs = world
    preview = bulk_catalogue.choice_preview(session, actor=actor, account_id=account.id,
                                            choice=Choice(all_matching=""), status="active")
    assert preview.count == 60 and preview.more == 50
    assert preview.first == [f"3752910{n:05d}" for n in range(10)]
    few = bulk_catalogue.choice_preview(session, actor=actor, account_id=account.id,
                                        choice=Choice(subscriber_ids=[subs[3].id, subs[1].id]))
    assert (few.count, few.first, few.more) == (2, [subs[3].number, subs[1].number], 0)


@pytest.mark.parametrize("typed", [None, "", "50", "61", "пятьдесят один", "51; DROP"])
def test_terminating_more_than_50_without_the_right_typed_count_is_refused(session, world, typed):
    with pytest.raises(DomainError, match="Выбрано абонентов: 51. Чтобы прекратить их обслуживание, введите это"):
        terminate(session, world, 51, typed)
    assert session.exec(select(Request)).all() == []


def test_terminating_more_than_50_with_the_count_typed_and_50_without(session, world):
    assert terminate(session, world, 51, " 51 ").total == 51
    assert terminate(session, world, 50).total == 50  # 50 and fewer: the window alone confirms
    assert len(session.exec(select(Request)).all()) == 2


def test_an_uploaded_row_the_operation_does_not_apply_to_is_refused_with_its_reason_the_others_done(session, world):
    actor, account, subs = world
    numbers = [subs[0].number, "375291099999", subs[1].number]  # the middle one waits for activation
    upload = Choice(numbers=numbers)
    preview = bulk_catalogue.choice_preview(session, actor=actor, account_id=account.id, choice=upload,
                                            status="active")
    assert (preview.count, preview.not_applicable) == (3, 1)
    result = bulk.order_bulk_termination(session, actor=actor, account_id=account.id, choice=upload,
                                         idempotency_key=key())
    session.commit()
    real_worker("w1").run_once()
    session.commit()
    session.expire_all()
    items = session.exec(select(RequestItem).where(RequestItem.request_id == result.request_id)).all()
    found = {i.number: (i.status, i.result) for i in items}
    waiting_id = next(i.subscriber_id for i in items if i.number == "375291099999")
    assert found["375291099999"] == (
        "refused", "Абонент в статусе «Ожидание активации»: прекращение обслуживания недоступно")
    assert found[subs[0].number][0] == found[subs[1].number][0] == "done"
    # ticked in the tab's list, the same subscriber refuses the order: the list shown is stale
    with pytest.raises(bulk.ListRejected, match="Не подходят: 375291099999"):
        bulk.order_bulk_termination(session, actor=actor, account_id=account.id, idempotency_key=key(),
                                    choice=Choice(subscriber_ids=[subs[2].id, waiting_id]))
