"""Links and sign-ins as people use them: a link opened signed out opens after the sign-in (through the role
choice too), and nothing the last user searched or typed is left in the tab for the next one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cabinet.state.session import NOT_FOR_SIP_ADMIN
from tests.e2e.conftest import open_page
from tests.e2e.helpers import SIP_ADMIN, SIP_PASSWORD, fill_sign_in, follow, query, sign_in_sip_admin

ADMIN, ADMIN_PASSWORD = "375290000001", "Admin#2026"  # Administrator of company 1
BOTH, BOTH_PASSWORD = "375290000003", "Both#2026"  # Administrator and Supervisor of company 1
OTHER_ADMIN, OTHER_PASSWORD = "375290000101", "Other#2026"  # Administrator of company 2


def sign_in_here(page, login: str, password: str) -> None:
    """Through the sign-in form of the page the browser shows (not a fresh one: its address carries where to go
    next)."""
    follow(page, fill_sign_in(page, login, password, opened=True))


@pytest.fixture
def desktop(browser, cabinet):
    """One screen size, where the other would show nothing more: the addresses are the same."""
    page = open_page(browser, cabinet, "desktop")
    page.context.set_default_timeout(20_000)
    yield page
    page.context.close()


def first_subscriber(cabinet) -> tuple[int, str]:
    return query(cabinet, "SELECT s.id, s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                 "WHERE a.organization_id = 1 AND a.kind = 'mobile' ORDER BY s.id LIMIT 1")[0]


def test_a_card_opened_signed_out_opens_after_the_sign_in(page, cabinet):
    subscriber_id, number = first_subscriber(cabinet)
    page.goto(f"/subscribers/card?id={subscriber_id}")
    expect(page).to_have_url(re.compile(r"/login/?\?next="))
    expect(page.get_by_role("heading", name="Личный кабинет", exact=True)).to_be_visible()

    sign_in_here(page, ADMIN, ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/subscribers/card/?\?id={subscriber_id}$"))
    expect(page.get_by_text(number).first).to_be_visible()


def test_a_filtered_history_opened_signed_out_opens_after_the_role_choice(desktop):
    page = desktop
    page.goto("/history?page=1")
    expect(page).to_have_url(re.compile(r"/login/?\?next="))
    sign_in_here(page, BOTH, BOTH_PASSWORD)
    expect(page.get_by_role("heading", name="Выберите способ входа")).to_be_visible()
    follow(page, page.get_by_role("button", name="Супервайзер"))
    expect(page).to_have_url(re.compile(r"/history/?\?page=1$"))
    expect(page.get_by_role("heading", name="История заявок", exact=True)).to_be_visible()


def test_the_next_user_of_the_tab_finds_nothing_of_the_last_one(page, cabinet):
    follow(page, fill_sign_in(page, ADMIN, ADMIN_PASSWORD))
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    page.goto("/subscribers")
    page.get_by_label("Поиск").fill("3752900000")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_text(re.compile(r"Найдено абонентов: \d"))).to_be_visible()
    page.goto("/history")
    page.get_by_label("Статус").select_option(label="Выполнена")
    page.get_by_role("button", name="Показать").click()

    follow(page, page.get_by_role("button", name="Выйти"))
    expect(page).to_have_url(re.compile(r"/login/?$"))
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_label("Номер телефона")).to_have_value("")  # not the last user's number

    follow(page, fill_sign_in(page, OTHER_ADMIN, OTHER_PASSWORD))
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    if page.device == "tablet":
        page.get_by_role("button", name="Меню").click()
    follow(page, page.get_by_role("link", name="Абоненты"))
    expect(page.get_by_label("Поиск")).to_have_value("")
    page.goto("/history")
    expect(page.get_by_label("Статус")).to_have_value("")


def test_a_link_the_role_may_not_see_leads_to_its_own_main_page_with_the_reason(desktop, cabinet):
    page = desktop
    sign_in_sip_admin(page, cabinet)  # registered first if no test has done it yet
    follow(page, page.get_by_role("button", name="Выйти"))

    page.goto("/subscribers")
    expect(page).to_have_url(re.compile(r"/login/?\?next="))
    sign_in_here(page, SIP_ADMIN, SIP_PASSWORD)
    expect(page).to_have_url(re.compile(r"/sip/?$"))
    expect(page.get_by_text(NOT_FOR_SIP_ADMIN)).to_be_visible()
