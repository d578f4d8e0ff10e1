"""Subscribers S1–S8 in the browser at desktop size and at 768×1024: the list, then every single-subscriber
operation, each checked in the card after the worker has carried it out."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page
from tests.e2e.helpers import account_number, follow, query, sign_in

SLOW = 30_000  # the worker polls; a result shows within a few seconds


@pytest.fixture
def admin(page):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    return page


def subscriber(cabinet, page, status="active", offset=0, extra=""):
    """A different subscriber for each screen size, so the two runs do not meet."""
    index = offset * 2 + (0 if page.device == "desktop" else 1)
    return query(cabinet, "SELECT s.id, s.number, s.sim_iccid FROM subscriber s JOIN personalaccount a "
                 "ON a.id = s.account_id WHERE a.organization_id = 1 AND a.kind = 'mobile' AND s.status = ? "
                 f"AND s.number NOT LIKE '37529000000%' {extra} ORDER BY s.id LIMIT 1 OFFSET ?", status, index)[0]


def open_card(page, subscriber_id) -> None:
    page.goto(f"/subscribers/card?id={subscriber_id}")
    expect(page.get_by_role("heading", name="Карточка абонента")).to_be_visible()


def search(page, text: str) -> None:
    page.goto("/subscribers")
    page.get_by_label("Поиск").fill(text)
    page.get_by_role("button", name="Найти").click()


def test_search_by_number_and_by_sim_then_open_the_card(admin, cabinet):
    _, number, iccid = subscriber(cabinet, admin, offset=10)
    search(admin, number)
    expect(admin.get_by_text("Найдено абонентов: 1")).to_be_visible()
    search(admin, iccid[-9:])
    expect(admin.get_by_role("link", name=number)).to_be_visible()
    follow(admin, admin.get_by_role("link", name=number))
    expect(admin.get_by_role("heading", name=number)).to_be_visible()


def test_filter_by_status_and_export_what_it_shows(admin, cabinet):
    admin.goto("/subscribers")
    admin.get_by_label("Статус").select_option(label="Ожидание активации")
    admin.get_by_role("button", name="Найти").click()
    waiting = query(cabinet, "SELECT COUNT(*) FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                    "WHERE a.organization_id = 1 AND a.kind = 'mobile' AND s.status = 'waiting'")[0][0]
    expect(admin.get_by_text(f"Найдено абонентов: {waiting}")).to_be_visible()
    with admin.expect_download() as download:
        admin.get_by_role("button", name="Выгрузка в Excel").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Номер" and len(rows) == waiting + 1
    assert {row[3] for row in rows[1:]} == {"Ожидание активации"}


def test_connect_then_disconnect_a_service(admin, cabinet):
    subscriber_id, _, _ = subscriber(cabinet, admin, offset=11)
    open_card(admin, subscriber_id)
    admin.get_by_role("tab", name="Доступные").click()
    row = admin.get_by_role("tabpanel").get_by_role("group").filter(
        has=admin.get_by_role("button", name="Подключить", disabled=False)).first
    service = row.get_attribute("aria-label")
    row.get_by_role("button", name="Подключить").click()
    expect(admin.get_by_text(re.compile("выполнена"))).to_be_visible(timeout=SLOW)
    admin.get_by_role("tab", name="Подключенные").click()
    connected = admin.get_by_role("tabpanel").get_by_role("group", name=service, exact=True)
    connected.get_by_role("button", name="Отключить").click()
    expect(admin.get_by_text(re.compile("выполнена"))).to_be_visible(timeout=SLOW)
    admin.get_by_role("tab", name="Доступные").click()
    expect(admin.get_by_role("tabpanel").get_by_role("group", name=service, exact=True)).to_be_visible(timeout=SLOW)


def test_activate_a_subscriber_found_by_sim(admin, cabinet):
    subscriber_id, number, iccid = subscriber(cabinet, admin, status="waiting")
    search(admin, iccid)
    follow(admin, admin.get_by_role("link", name=number))
    admin.get_by_role("button", name="Активировать").click()
    admin.get_by_role("dialog").get_by_role("button", name="Активировать").click()
    expect(admin.get_by_text("Статус: Активен")).to_be_visible(timeout=SLOW)


def test_rename(admin, cabinet):
    subscriber_id, _, _ = subscriber(cabinet, admin, offset=12)
    open_card(admin, subscriber_id)
    admin.get_by_role("button", name="Изменить имя абонента").click()
    new_name = f"Склад №2 — Брест ({admin.device})"  # as companies write names: №, a long dash, brackets
    admin.get_by_role("dialog").get_by_label("Имя абонента").fill(new_name)
    admin.get_by_role("dialog").get_by_role("button", name="Сохранить").click()
    expect(admin.get_by_text(new_name, exact=True)).to_be_visible(timeout=SLOW)
    assert query(cabinet, "SELECT name FROM subscriber WHERE id = ?", subscriber_id) == [(new_name,)]


def test_call_forwarding_if_busy(admin, cabinet):
    subscriber_id, _, _ = subscriber(cabinet, admin, offset=13)
    open_card(admin, subscriber_id)
    admin.get_by_role("button", name="Переадресация вызовов").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_label("Тип переадресации", exact=True).select_option(label="Если занято")
    dialog.get_by_label("Номер для переадресации").fill("12345")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(admin.get_by_role("alert")).to_be_visible()
    dialog.get_by_label("Номер для переадресации").fill("375291112233")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(admin.get_by_text("375291112233")).to_be_visible(timeout=SLOW)


def test_tariff_change(admin, cabinet):
    subscriber_id, _, _ = subscriber(cabinet, admin, offset=14)
    open_card(admin, subscriber_id)
    admin.get_by_role("button", name="Сменить тариф").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_role("button", name="Подробнее").first.click()
    tariff = dialog.locator("p.rt-Text.rt-r-weight-bold").first.inner_text()
    expect(dialog.get_by_role("button", name=f"Выбран: {tariff}")).to_have_attribute("aria-pressed", "true")
    dialog.get_by_role("button", name="Подключить").click()
    expect(admin.get_by_text(tariff, exact=True)).to_be_visible(timeout=SLOW)


def change_number(page, cabinet, old_number: str, pool: str) -> None:
    """«Смена номера» on the open card: draw, pick, read the confirmation (old and new number, the price), confirm."""
    page.get_by_role("button", name="Смена номера").click()
    dialog = page.get_by_role("dialog")
    category = dialog.get_by_label("Категория номера").locator("option").first.inner_text()  # «Простой: …, 0,00 BYN»
    dialog.get_by_role("button", name="Показать номера").click()
    expect(dialog.get_by_text("Осталось попыток выбора номера: 4")).to_be_visible()
    first = dialog.get_by_role("radio").first
    new_number = first.get_attribute("value")
    assert new_number and new_number.startswith(pool), new_number
    first.click()
    dialog.get_by_role("button", name="Выбрать номер").click()
    price = category.rsplit(", ", 1)[1]
    expect(dialog.get_by_text(f"Номер {old_number} будет заменен на {new_number}. Стоимость номера: {price}."))\
        .to_be_visible()
    assert query(cabinet, "SELECT state FROM numberpool WHERE number = ?", new_number) == [("free",)]
    dialog.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("heading", name=new_number)).to_be_visible(timeout=SLOW)


def test_number_change_from_a_category(admin, cabinet):
    subscriber_id, number, _ = subscriber(cabinet, admin, offset=15)
    open_card(admin, subscriber_id)
    change_number(admin, cabinet, number, "375")
    [(new_number,)] = query(cabinet, "SELECT number FROM subscriber WHERE id = ?", subscriber_id)
    assert new_number[3:5] in ("25", "29", "33", "44")  # a mobile line moves to a mobile number


def test_a_fixed_line_card_has_no_sim_replacement_and_changes_to_a_minsk_landline(page, cabinet):
    fixed = account_number(cabinet, "fixed")
    sign_in(page, fixed, "Fixed#2026", fixed=True)
    index = 0 if page.device == "desktop" else 1
    subscriber_id, number = query(cabinet, "SELECT s.id, s.number FROM subscriber s JOIN personalaccount a ON "
                                  "a.id = s.account_id WHERE a.number = ? AND s.status = 'active' ORDER BY s.id "
                                  "LIMIT 1 OFFSET ?", fixed, index)[0]
    open_card(page, subscriber_id)
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.get_by_role("button", name="Смена номера")).to_be_visible()
    expect(page.get_by_role("button", name="Замена SIM")).to_have_count(0)
    expect(page.get_by_text("SIM-карта:")).to_have_count(0)
    change_number(page, cabinet, number, "37517")


def test_sim_replacement_with_a_free_sim(admin, cabinet):
    subscriber_id, _, _ = subscriber(cabinet, admin, offset=16, extra="AND s.self_sim_replacement")
    free = query(cabinet, "SELECT iccid FROM simcard WHERE organization_id = 1 AND state = 'free' ORDER BY iccid")
    iccid = free[0 if admin.device == "desktop" else 1][0]
    open_card(admin, subscriber_id)
    admin.get_by_role("button", name="Замена SIM").click()
    dialog = admin.get_by_role("dialog")
    field = dialog.get_by_label("Номер новой SIM-карты (ICCID)")
    wrong = iccid[:-1] + str((int(iccid[-1]) + 1) % 10)  # one digit mistyped: the check digit no longer fits
    field.fill(wrong)
    field.press("Tab")  # leaving the field checks it
    expect(dialog.get_by_text("Номер SIM-карты (ICCID) набран с ошибкой: проверьте цифры.")).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill(iccid)
    expect(dialog.get_by_text("набран с ошибкой")).to_have_count(0)  # gone once the number is right
    dialog.get_by_role("button", name="Далее").click()
    dialog.get_by_role("button", name="Подтвердить").click()
    expect(admin.get_by_text(f"SIM-карта: {iccid}")).to_be_visible(timeout=SLOW)


_SCROLLS_SIDEWAYS = """() => [document.documentElement, ...document.querySelectorAll('*')].filter(el => {
    const overflow = getComputedStyle(el).overflowX;
    const scrolls = el === document.documentElement || overflow === 'auto' || overflow === 'scroll';
    return scrolls && el.scrollWidth > el.clientWidth + 1;
}).map(el => el.tagName + '.' + el.className)"""


def test_the_list_shows_tariff_and_sim_and_fits_the_screen(admin, cabinet):
    _, number, iccid = subscriber(cabinet, admin, offset=13)
    tariff = query(cabinet, "SELECT t.name FROM subscriber s JOIN tariff t ON t.id = s.tariff_id WHERE s.number = ?",
                   number)[0][0]
    search(admin, number)
    expect(admin.get_by_text("Найдено абонентов: 1")).to_be_visible()
    if admin.device == "desktop":
        row = admin.get_by_role("row").filter(has=admin.get_by_role("link", name=number))
        expect(row.get_by_role("cell", name=tariff)).to_be_visible()
        expect(row.get_by_role("cell", name=iccid)).to_be_visible()
    else:  # a card per subscriber: the table would not fit
        expect(admin.get_by_role("table")).to_be_hidden()
        card = admin.get_by_role("list", name="Абоненты").get_by_role("listitem")
        expect(card).to_have_count(1)  # the search has answered: «Найдено абонентов: 1» also matches «…: 1500»
        expect(card).to_contain_text(f"Тарифный план: {tariff}")
        expect(card).to_contain_text(f"SIM-карта: {iccid}")
    assert admin.evaluate(_SCROLLS_SIDEWAYS) == []
    link = admin.get_by_role("link", name=number)
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    follow(admin, link)
    expect(admin.get_by_role("heading", name=number)).to_be_visible()


def test_the_cards_sort_on_a_tablet_too(browser, cabinet):
    """A tablet has no column headers to tap: the sort is a choice and a direction above the cards."""
    admin = open_page(browser, cabinet, "tablet")
    sign_in(admin, "375290000001", "Admin#2026")
    highest = query(cabinet, "SELECT MAX(s.number) FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                    "WHERE a.organization_id = 1 AND a.kind = 'mobile'")[0][0]
    admin.goto("/subscribers")
    cards = admin.get_by_role("list", name="Абоненты").get_by_role("listitem")
    expect(cards.first).to_be_visible()
    admin.get_by_role("button", name="По возрастанию").tap()
    expect(admin.get_by_role("button", name="По убыванию")).to_be_visible()
    expect(cards.first.get_by_role("link")).to_have_text(highest)
    admin.get_by_label("Сортировка").select_option(label="Статус")
    expect(admin.get_by_role("button", name="По возрастанию")).to_be_visible()
    assert admin.evaluate(_SCROLLS_SIDEWAYS) == []
    admin.context.close()
