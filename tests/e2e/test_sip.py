"""The SIP administrator's cabinet in the browser: «Платежи» (P2–P4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import account_number, query, sign_in_sip_admin


@pytest.fixture
def sip(page, cabinet):
    sign_in_sip_admin(page, cabinet)
    return page


def open_payments(page, section):
    page.goto("/sip/payments")
    page.get_by_role("tab", name=section).click()


def test_payments_between_two_dates_within_twelve_months(sip):
    open_payments(sip, "Информация по платежам")
    sip.get_by_label("Начальная дата").fill("2025-10-01")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("alert")).to_contain_text("12 месяцев")
    sip.get_by_label("Начальная дата").fill("2026-01-01")
    sip.get_by_label("Конечная дата").fill("2026-11-05")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_text("Итого:")).to_be_visible()
    expect(sip.get_by_role("cell", name="Банковский перевод").first).to_be_visible()


def test_guarantee_history_offers_registration_then_shows_it(sip, cabinet):
    account = account_number(cabinet, "sip")
    registered = query(cabinet, "SELECT COUNT(*) FROM guaranteepayment g JOIN personalaccount a ON a.id = "
                       "g.account_id WHERE a.number = ?", account)[0][0]
    open_payments(sip, "История гарантийных обязательств")
    if not registered:  # the first screen size to run: nothing registered yet
        expect(sip.get_by_text("Регистрация платежей ранее не производилась.")).to_be_visible()
        sip.get_by_role("button", name="Зарегистрировать платеж").click()
        expect(sip.get_by_role("tab", name="Регистрация платежей")).to_have_attribute("aria-selected", "true")
        sip.get_by_label("Сумма оплаты, BYN").fill("10,50")
        sip.get_by_role("tabpanel").get_by_role("button", name="Зарегистрировать платеж").click()
        sip.get_by_role("alertdialog").get_by_role("button", name="Подтвердить").click()
        expect(sip.get_by_role("status")).to_contain_text("Оплата 10,50 BYN зарегистрирована")
    open_payments(sip, "Регистрация платежей")
    expect(sip.get_by_text("уже зарегистрирована")).to_be_visible()
    open_payments(sip, "История гарантийных обязательств")
    expect(sip.get_by_role("cell", name="10,50 BYN")).to_be_visible()
