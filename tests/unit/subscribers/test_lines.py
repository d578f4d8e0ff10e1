"""Rules by kind of line: which single and list operations apply to mobile, fixed-line and SIP subscribers (in the
order and again in the worker's handler), the number pool of «Смена номера» by mobile code and city code, and
its confirmation (S7)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from cabinet.models import (
    AccountKind,
    NumberDraw,
    NumberPool,
    Organization,
    PersonalAccount,
    Request,
    RequestKind,
    Subscriber,
)
from cabinet.services.access import Actor
from cabinet.services.bulk import orders as bulk
from cabinet.services.errors import DomainError
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft
from cabinet.services.subscribers import lines
from cabinet.services.subscribers import operations as ops
from cabinet.services.subscribers.card import subscriber_card
from tests.unit.factories import (
    item_results,
    make_account,
    make_actor,
    make_org,
    make_pool_number,
    make_sim,
    make_subscriber,
    make_tariff,
    make_user,
    process,
)

MINSK = "375172345678"


@dataclass
class World:
    org: Organization
    mobile: PersonalAccount
    fixed: PersonalAccount
    sip: PersonalAccount
    actor: Actor  # Supervisor of the mobile and the fixed account
    sip_actor: Actor
    cell: Subscriber  # mobile, 375 29
    landline: Subscriber  # fixed, Minsk 17
    sip_line: Subscriber


@pytest.fixture
def w(session) -> World:
    org = make_org(session)
    mobile = make_account(session, org)
    fixed = make_account(session, org, kind=AccountKind.FIXED)
    sip = make_account(session, org, kind=AccountKind.SIP)
    user = make_user(session, org, [mobile, fixed], roles=["supervisor"])
    sip_user = make_user(session, org, [sip], roles=["sip_admin"])
    make_tariff(session, kind=AccountKind.FIXED, name="Офис Безлимит")
    cell = make_subscriber(session, mobile, number="375291234567", sim_iccid=make_sim(session, org, "in_use").iccid)
    landline = make_subscriber(session, fixed, number=MINSK)
    sip_line = make_subscriber(session, sip, number="375172000009", sip_kind="number")
    session.commit()
    return World(org=org, mobile=mobile, fixed=fixed, sip=sip, actor=make_actor(user, [mobile, fixed]),
                 sip_actor=make_actor(sip_user, [sip], role="sip_admin"), cell=cell, landline=landline,
                 sip_line=sip_line)


_keys = iter(range(1, 10_000))


def key() -> str:
    return f"line-{next(_keys)}"


def refused(fn, session, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        fn(session, **kwargs)
    return error.value.message



def forged(session, actor, subscriber, kind, params) -> int:
    """A request stored past the orders' checks (as another system, or an older version, might have)."""
    dto = store.submit_request(session, actor=actor, account_id=subscriber.account_id, kind=kind, params=params,
                               items=[ItemDraft(subscriber_id=subscriber.id, number=subscriber.number, params={})],
                               idempotency_key=key())
    return dto.id


# --- which operation applies to which kind of line ------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(lines.APPLIES))
@pytest.mark.parametrize("account_kind", ["mobile", "fixed", "sip"])
def test_every_operation_declares_the_kinds_of_line_it_applies_to(kind, account_kind):
    reason = lines.refusal(account_kind, kind)
    applies = account_kind in lines.APPLIES[kind]
    assert (reason is None) == applies
    if kind == RequestKind.SIM_REPLACEMENT:
        assert applies == (account_kind == "mobile")
    elif kind == RequestKind.SERVICES:
        assert applies
    else:
        assert applies == (account_kind != "sip")
    if not applies:
        assert reason and "недоступна" in reason


def test_a_fixed_line_card_offers_no_sim_replacement_and_the_order_refuses_it(session, w):
    landline = subscriber_card(session, actor=w.actor, subscriber_id=w.landline.id)
    cell = subscriber_card(session, actor=w.actor, subscriber_id=w.cell.id)
    assert RequestKind.SIM_REPLACEMENT.value not in landline.operations
    assert RequestKind.NUMBER_CHANGE.value in landline.operations
    assert RequestKind.SIM_REPLACEMENT.value in cell.operations
    assert (landline.has_sim, cell.has_sim) == (False, True)
    free = make_sim(session, w.org)
    session.commit()
    assert refused(ops.order_sim_replacement, session, actor=w.actor, subscriber_id=w.landline.id, iccid=free.iccid,
                   idempotency_key=key()) == lines.NO_SIM
    assert refused(ops.check_replacement_sim, session, actor=w.actor, subscriber_id=w.landline.id,
                   iccid=free.iccid) == lines.NO_SIM
    assert refused(ops.free_sims, session, actor=w.actor, account_id=w.fixed.id) == lines.NO_SIM
    assert ops.free_sims(session, actor=w.actor, account_id=w.mobile.id) == [free.iccid]
    assert session.exec(select(Request)).all() == []


def test_the_worker_refuses_a_sim_replacement_of_a_fixed_line_and_a_tariff_change_on_sip(session, w):
    free = make_sim(session, w.org)
    fixed_sim = forged(session, w.actor, w.landline, RequestKind.SIM_REPLACEMENT, {"iccid": free.iccid})
    sip_tariff = forged(session, w.sip_actor, w.sip_line, RequestKind.TARIFF, {"tariff_id": 1})
    process(session)
    assert item_results(session, fixed_sim) == {MINSK: ("refused", lines.NO_SIM)}
    assert item_results(session, sip_tariff)["375172000009"][1] == (
        "Операция «Изменение тарифа» недоступна для лицевого счета «SIP-телефония».")
    assert session.get(Subscriber, w.landline.id).sim_iccid is None
    assert session.get(type(free), free.iccid).state == "free"


def test_every_list_operation_checks_the_kind_of_account(session, w):
    """The list orders ask each operation's kinds of line of the account (a SIP account is not a company line)."""
    choice = bulk.Choice(subscriber_ids=[w.sip_line.id])
    sip_company = make_actor(make_user(session, w.org, [w.sip]), [w.sip])  # an administrator naming a SIP account
    session.commit()
    for order, params in ((bulk.order_bulk_activation, {}), (bulk.order_bulk_termination, {}),
                          (bulk.order_bulk_tariff, {"tariff_id": 1}),
                          (bulk.order_bulk_services, {"service_id": 1, "connect": True})):
        with pytest.raises(DomainError):
            order(session, actor=sip_company, account_id=w.sip.id, choice=choice, idempotency_key=key(), **params)
    for kind in (RequestKind.ACTIVATION, RequestKind.TERMINATION, RequestKind.TARIFF, RequestKind.RENAME):
        with pytest.raises(DomainError, match="недоступна для лицевого счета «SIP-телефония»"):
            bulk._account(session, w.sip_actor, w.sip.id, kind)
    assert bulk._account(session, w.actor, w.fixed.id, RequestKind.TERMINATION).id == w.fixed.id


def test_a_list_termination_on_the_fixed_account_refuses_only_the_row_the_worker_cannot_do(session, w):
    other = make_subscriber(session, w.fixed, number="375172345679")
    session.commit()
    result = bulk.order_bulk_termination(session, actor=w.actor, account_id=w.fixed.id, idempotency_key=key(),
                                         choice=bulk.Choice(numbers=[MINSK, other.number]))
    session.get(Subscriber, other.id).status = "blocked"  # changed after the order
    session.commit()
    process(session)
    found = item_results(session, result.request_id)
    assert found[MINSK][0] == "done"
    assert found[other.number] == ("refused", "Абонент в статусе «Заблокирован»: прекращение обслуживания недоступно")


# --- the pool by kind of line ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, code", [
    ("375291234567", "29"), ("375447654321", "44"), ("375331234567", "33"), ("375251234567", "25"),
    ("375172345678", "17"), ("375176123456", "176"), ("375162123456", "162"), ("375222123456", "222"),
    ("375999123456", ""),
])
def test_the_code_of_a_number(number, code):
    assert lines.code_of(number) == code


def test_a_fixed_line_draws_only_landlines_of_its_city_code_and_a_mobile_only_mobile_numbers(session, w):
    minsk = [make_pool_number(session, number=f"37517234{n:04d}", category="Простой").number for n in range(3)]
    minsk_region = make_pool_number(session, number="375176234567").number  # Molodechno: 176, not Minsk
    brest = make_pool_number(session, number="375162234567").number
    mobile = [make_pool_number(session, number=f"37529765{n:04d}").number for n in range(3)]
    session.commit()
    assert ops.number_categories(session, actor=w.actor, subscriber_id=w.landline.id) == [("Простой", 3, 0)]
    assert ops.number_categories(session, actor=w.actor, subscriber_id=w.cell.id) == [("Простой", 3, 0)]
    drawn = ops.draw_numbers(session, actor=w.actor, subscriber_id=w.landline.id, category="Простой")
    assert sorted(drawn.numbers) == sorted(minsk)
    assert minsk_region not in drawn.numbers and brest not in drawn.numbers
    drawn = ops.draw_numbers(session, actor=w.actor, subscriber_id=w.cell.id, category="Простой")
    assert sorted(drawn.numbers) == sorted(mobile)


def test_a_number_of_another_pool_is_refused_by_the_order_and_by_the_worker(session, w):
    cell_number = make_pool_number(session, number="375297650000").number
    landline_number = make_pool_number(session, number="375172340000").number
    # a draw naming a number of the other pool (as a forged or an old draw would)
    session.add(NumberDraw(subscriber_id=w.landline.id, user_id=w.actor.user_id, category="Простой",
                           numbers=[cell_number]))
    session.commit()
    assert refused(ops.order_number_change, session, actor=w.actor, subscriber_id=w.landline.id, number=cell_number,
                   idempotency_key=key()) == (
        "Абоненту фиксированной связи можно выбрать только городской номер его кода города.")
    assert refused(ops.preview_number_change, session, actor=w.actor, subscriber_id=w.landline.id,
                   number=cell_number).startswith("Абоненту фиксированной связи")
    request_id = forged(session, w.actor, w.cell, RequestKind.NUMBER_CHANGE,
                        {"number": landline_number, "expected_number": w.cell.number})
    process(session)
    assert item_results(session, request_id)[w.cell.number] == (
        "refused", "Абоненту мобильной связи можно выбрать только номер мобильной связи.")
    assert session.get(Subscriber, w.cell.id).number == "375291234567"


def test_s7_confirmation_names_old_and_new_number_and_price_then_the_order_rechecks(session, w):
    for n in range(5):
        make_pool_number(session, number=f"3751723{n}{n}{n}{n}{n}", category="Золотой", price=150)
    session.commit()
    drawn = ops.draw_numbers(session, actor=w.actor, subscriber_id=w.landline.id, category="Золотой")
    chosen, other = drawn.numbers[0], drawn.numbers[1]
    preview = ops.preview_number_change(session, actor=w.actor, subscriber_id=w.landline.id, number=chosen)
    assert preview == ops.NumberChangePreview(subscriber_id=w.landline.id, old_number=MINSK, new_number=chosen,
                                              category="Золотой", price=150)
    assert session.get(NumberPool, chosen).state == "free"  # the preview changes nothing
    assert session.exec(select(Request)).all() == []
    assert refused(ops.preview_number_change, session, actor=w.actor, subscriber_id=w.landline.id,
                   number="375172999999") == "Выберите номер из предложенных сегодня."
    # taken by someone else between the confirmation and the order
    session.get(NumberPool, other).state = "taken"
    session.commit()
    assert refused(ops.preview_number_change, session, actor=w.actor, subscriber_id=w.landline.id,
                   number=other) == f"Номер {other} уже занят. Выберите другой номер."
    assert refused(ops.order_number_change, session, actor=w.actor, subscriber_id=w.landline.id, number=other,
                   idempotency_key=key()) == f"Номер {other} уже занят. Выберите другой номер."
    result = ops.order_number_change(session, actor=w.actor, subscriber_id=w.landline.id, number=chosen,
                                     idempotency_key=key())
    process(session)
    assert item_results(session, result.request_id)[MINSK] == ("done", f"Номер {MINSK} заменен на {chosen}")


# --- ICCID of «Замена SIM» ------------------------------------------------------------------------------------------

def test_the_new_sim_is_checked_when_its_field_is_left(session, w):
    free = make_sim(session, w.org)
    session.commit()
    assert ops.check_replacement_sim(session, actor=w.actor, subscriber_id=w.cell.id,
                                     iccid=f" {free.iccid[:4]} {free.iccid[4:]} ") == free.iccid
    wrong_digit = free.iccid[:-1] + str((int(free.iccid[-1]) + 1) % 10)
    for bad, reason in (("8937502", "19 или 20 цифр"), (wrong_digit, "набран с ошибкой"),
                        (make_sim(session, w.org, "in_use").iccid, "не найдена среди свободных")):
        with pytest.raises(DomainError, match=reason):
            ops.check_replacement_sim(session, actor=w.actor, subscriber_id=w.cell.id, iccid=bad)
