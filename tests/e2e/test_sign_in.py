"""Every role signs in through the browser, at desktop size and at 768×1024 with touch, and reaches a main
page that shows figures from the database."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import open_page
from tests.e2e.helpers import (
    SIP_ADMIN,
    SIP_PASSWORD,
    account_number,
    fill_sign_in,
    follow,
    money,
    query,
    register_sip_admin,
    shows_account,
    sign_in,
    switch_account,
    wait_ready,
)


def amount_to_pay(cabinet, number: str) -> str:
    (value,) = query(
        cabinet,
        "SELECT COALESCE(SUM(i.amount - i.paid_amount), 0) FROM invoice i JOIN personalaccount a "
        "ON a.id = i.account_id WHERE a.number = ? AND i.is_regular AND i.paid_amount < i.amount",
        number,
    )[0]
    return money(float(value))


def test_administrator_sees_the_accounts_figures(page, cabinet):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_role("heading", name="Главная")).to_be_visible()
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    mobile = account_number(cabinet, "mobile")
    shows_account(page, mobile)
    expect(page.get_by_text(amount_to_pay(cabinet, mobile)).first).to_be_visible()


def test_supervisor_switches_between_mobile_and_fixed_accounts(page, cabinet):
    sign_in(page, "375290000002", "Super#2026")
    expect(page.get_by_label("Лицевой счет")).to_be_visible()
    fixed = account_number(cabinet, "fixed")
    switch_account(page, f"Фиксированная связь · {fixed}")
    expect(page.get_by_text(amount_to_pay(cabinet, fixed)).first).to_be_visible()
    shows_account(page, fixed)


def test_user_with_both_roles_chooses_one(page, cabinet):
    sign_in(page, "375290000003", "Both#2026")
    expect(page.get_by_role("heading", name="Выберите способ входа")).to_be_visible()
    follow(page, page.get_by_role("button", name="Супервайзер"))
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    expect(page.get_by_text("Супервайзер").first).to_be_visible()


def test_fixed_line_signs_in_by_account_number(page, cabinet):
    fixed = account_number(cabinet, "fixed")
    sign_in(page, fixed, "Fixed#2026", fixed=True)
    expect(page.get_by_text(amount_to_pay(cabinet, fixed)).first).to_be_visible()


def test_other_company_sees_only_its_own(page, cabinet):
    sign_in(page, "375290000101", "Other#2026")
    own = account_number(cabinet, "mobile", organization=2)
    shows_account(page, own)
    expect(page.get_by_text(account_number(cabinet, "mobile"))).to_have_count(0)


def test_wrong_password_is_refused_in_russian(page, cabinet):
    fill_sign_in(page, "375290000001", "not-the-password").click()
    expect(page.get_by_role("alert")).to_contain_text("Неверный номер телефона или пароль")


def test_sign_in_by_sms_code(page, cabinet):
    # One number per screen size: a new code for the same number may be asked only after 60 s.
    number = "375290000001" if page.device == "desktop" else "375290000101"
    page.goto("/login")
    page.get_by_role("radio", name="По SMS-коду").click()
    expect(page.get_by_role("button", name="Получить код")).to_be_visible()  # the code form has replaced the other
    page.get_by_label("Номер телефона").fill(number)
    page.get_by_role("button", name="Получить код").click()
    expect(page.get_by_role("status")).to_contain_text("SMS-код")
    sent = [line for line in cabinet.sms_lines() if number in line]
    code = re.search(r"Личный кабинет: (\d{6})", sent[-1]).group(1)
    page.get_by_label("Код из SMS").fill(code)
    follow(page, page.get_by_role("button", name="Войти"))
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()


def test_sign_out_returns_to_the_sign_in_page(page, cabinet):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    follow(page, page.get_by_role("button", name="Выйти"))
    expect(page.get_by_role("tab", name="Мобильная связь")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/?$"))


def test_navigation_fits_the_screen_and_the_finger(page, cabinet):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    if page.device == "tablet":
        menu = page.get_by_role("button", name="Меню")
        expect(menu).to_be_visible()
        assert menu.bounding_box()["height"] >= 44
        menu.tap()
    link = page.get_by_role("link", name="История заявок")
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= 44
    follow(page, link)
    expect(page.get_by_role("heading", name="История заявок")).to_be_visible()
    expect(page.get_by_role("cell", name="Детализация на Email").first).to_be_visible()


def test_sip_first_registration_through_email(browser, cabinet):
    page = open_page(browser, cabinet, "desktop")
    register_sip_admin(page, cabinet)
    expect(page.get_by_text("Сумма счета к оплате")).to_be_visible()
    page.context.close()

    page = open_page(browser, cabinet, "tablet")
    sign_in(page, SIP_ADMIN, SIP_PASSWORD)
    expect(page.get_by_role("heading", name="Персональная информация")).to_be_visible()
    page.get_by_role("button", name="Меню").tap()
    expect(page.get_by_role("link", name="Выбор SIP-абонента")).to_be_visible()
    page.context.close()


def test_a_sip_page_sends_the_administrator_home_with_the_reason(page, cabinet):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_role("heading", name="Главная")).to_be_visible()
    page.goto("/sip/subscribers")
    expect(page.get_by_text("доступен только администратору SIP")).to_be_visible()
    expect(page.get_by_role("heading", name="Главная")).to_be_visible()
    expect(page.get_by_role("heading", name="Выбор SIP-абонента")).to_have_count(0)


def test_recovery_keeps_the_typed_number_and_offers_the_form_on_every_visit(page, cabinet):
    # A number no one signs in with, one per screen size: a request for it counts only against itself.
    number = "375299990001" if page.device == "desktop" else "375299990002"
    page.goto("/login")
    page.get_by_role("tabpanel").get_by_label("Номер телефона").fill(number)
    forgot = page.get_by_role("link", name="Забыли пароль")
    expect(forgot).to_have_attribute("href", re.compile(f"login={number}"))
    follow(page, forgot)
    page.get_by_role("button", name="Идентификация через E-mail").click()
    expect(page.get_by_label("Номер телефона")).to_have_value(number)
    page.get_by_role("button", name="Восстановить пароль").click()
    expect(page.get_by_role("status")).to_contain_text("временный пароль отправлен")

    page.reload()
    wait_ready(page)
    expect(page.get_by_role("status")).to_have_count(0)  # a fresh visit: the form, not the last answer
    page.get_by_role("button", name="Идентификация через E-mail").click()
    page.get_by_role("button", name="Восстановить пароль").click()  # the same number again, too soon
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Повторно запросить можно через \d+ с"))
    expect(page.get_by_role("button", name="Восстановить пароль")).to_be_visible()


def _ask_for_a_code(page, number: str) -> None:
    page.goto("/login")
    page.get_by_role("radio", name="По SMS-коду").click()
    page.get_by_label("Номер телефона").fill(number)
    page.get_by_role("button", name="Получить код").click()
    expect(page.get_by_text(f"Код отправлен на номер {number}")).to_be_visible()


def test_the_code_step_names_the_number_counts_down_and_goes_back_to_it(page, cabinet):
    number = "375299990011" if page.device == "desktop" else "375299990012"
    _ask_for_a_code(page, number)
    resend = page.get_by_role("button", name="Отправить код повторно")
    expect(resend).to_be_disabled()
    countdown = page.get_by_text(re.compile(r"Запросить новый код можно через \d+ с"))
    first = int(re.search(r"через (\d+) с", countdown.inner_text()).group(1))
    assert 0 < first <= 60
    page.wait_for_function("first => !document.body.innerText.includes(`через ${first} с`)", arg=first)
    second = int(re.search(r"через (\d+) с", countdown.inner_text()).group(1))
    assert second < first
    page.get_by_role("button", name="Изменить номер").click()
    expect(page.get_by_label("Номер телефона")).to_have_value(number)
    expect(page.get_by_role("button", name="Получить код")).to_be_visible()


def test_letters_in_the_code_are_refused_in_the_field_without_spending_a_try(page, cabinet):
    number = "375290000002" if page.device == "desktop" else "375290000003"
    _ask_for_a_code(page, number)
    code_field = page.get_by_label("Код из SMS")
    code_field.fill("12ab56")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Код состоит из цифр.")).to_be_visible()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    attempts = query(cabinet, "SELECT c.attempts FROM onetimecode c JOIN user u ON u.id = c.user_id "
                     "WHERE u.login = ? ORDER BY c.id DESC LIMIT 1", number)[0][0]
    assert attempts == 0
    sent = [line for line in cabinet.sms_lines() if number in line]
    page.get_by_label("Код из SMS").fill(re.search(r"Личный кабинет: (\d{6})", sent[-1]).group(1))
    follow(page, page.get_by_role("button", name="Войти"))
    expect(page.get_by_role("heading", name=re.compile("Главная|Выберите способ входа"))).to_be_visible()
