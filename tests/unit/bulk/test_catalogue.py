"""What the list-operation wizards offer before an order (B1–B3): the services and tariffs of the account's
kind, the chosen subscribers page by page, and each new name checked when its ✓ is pressed."""

from __future__ import annotations

import pytest

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk.orders import Choice
from cabinet.services.errors import AccessDenied, DomainError
from tests.unit.bulk.test_orders import w  # noqa: F401 - the shared world of two organisations
from tests.unit.factories import make_service, make_tariff


def test_services_offered_are_the_switchable_ones_of_the_accounts_kind(session, w):  # noqa: F811
    make_service(session, kind="fixed", name="Определитель номера")
    offered = bulk_catalogue.service_options(session, actor=w.actor, account_id=w.account.id)
    assert [(s.category, s.name) for s in offered] == [
        ("Интернет", "Безлимитный интернет"), ("Интернет", "Интернет 20 ГБ"), ("Интернет", "Интернет 5 ГБ"),
        ("Роуминг", "Роуминг Европа")]  # not «Выделенный APN» (only by application), not the fixed-line one
    with pytest.raises(AccessDenied):
        bulk_catalogue.service_options(session, actor=w.stranger, account_id=w.account.id)


def test_tariffs_offered_with_their_service_sets_archived_ones_left_out(session, w):  # noqa: F811
    make_tariff(session, name="Бизнес Классик", is_archived=True)
    offered = {t.name: [s.name for s in t.services]
               for t in bulk_catalogue.account_tariffs(session, actor=w.actor, account_id=w.account.id)}
    assert "Бизнес Классик" not in offered
    assert offered["Бизнес Старт"] == ["Интернет 20 ГБ", "Интернет 5 ГБ", "Роуминг Европа"]
    assert offered["Бизнес Оптима"] == ["Безлимитный интернет", "Интернет 20 ГБ", "Интернет 5 ГБ"]
    with pytest.raises(AccessDenied):
        bulk_catalogue.account_tariffs(session, actor=w.stranger, account_id=w.account.id)


def test_the_chosen_are_paged_in_the_choices_order(session, w):  # noqa: F811
    def page(number, choice):
        return bulk_catalogue.chosen_page(session, actor=w.actor, account_id=w.account.id, choice=choice,
                                          page=number, page_size=2)

    ticked = Choice(subscriber_ids=[w.olga.id, w.ivan.id, w.petr.id])
    first, second = page(1, ticked), page(2, ticked)
    assert [c.number for c in first.rows] == ["375291000003", "375291000001"]
    assert [c.number for c in second.rows] == ["375291000002"] and second.total == 3 and second.pages == 2
    uploaded = page(1, Choice(numbers=["375291000002", "375291000001"]))
    assert [c.name for c in uploaded.rows] == ["Петров Петр", "Иванов Иван"]
    with pytest.raises(AccessDenied):
        page(1, Choice(subscriber_ids=[w.ivan.id, w.foreign.id]))


def test_a_new_name_is_checked_when_its_field_is_confirmed(session, w):  # noqa: F811
    def check(subscriber, name, actor=None, account=None):
        return bulk_catalogue.check_new_name(session, actor=actor or w.actor, account_id=(account or w.account).id,
                                             subscriber_id=subscriber.id, name=name)

    assert check(w.ivan, "  Склад   1 ") == "Склад 1"
    for subscriber, name, reason in ((w.ivan, "Иванов Иван", "совпадает с текущим"), (w.ivan, "", "Введите имя"),
                                     (w.ivan, "=Склад", "начинаться со знака «=»"), (w.gone, "Склад", "переименование недоступно")):
        with pytest.raises(DomainError, match=reason):
            check(subscriber, name)
    with pytest.raises(AccessDenied):
        check(w.foreign, "Склад")  # another organisation's subscriber
    with pytest.raises(AccessDenied):
        check(w.ivan, "Склад", actor=w.stranger, account=w.other_account)
