"""One sign-in per browser: new tabs are signed in, «Выйти» in one tab signs out every tab, and a restart of the
server keeps the user signed in while the page says, in Russian, that it is reconnecting."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from cabinet.components.connection import RESTORING
from tests.e2e.conftest import open_page
from tests.e2e.helpers import follow, sign_in, wait_ready

ADMIN, ADMIN_PASSWORD = "375290000001", "Admin#2026"
OPENED = {"/subscribers": "Абоненты", "/history": "История заявок", "/finance/invoices": "Счета"}
RESTART_SECONDS = 600  # a production start builds the pages again, on a machine shared with others


def test_new_tabs_are_signed_in_and_signing_out_in_one_signs_out_the_others(page, cabinet):
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()

    tabs = []
    for path, heading in OPENED.items():
        tab = page.context.new_page()
        tab.goto(path)
        wait_ready(tab)
        expect(tab.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(tab).to_have_url(re.compile(re.escape(path) + "/?$"))
        tabs.append(tab)

    follow(page, page.get_by_role("button", name="Выйти"))
    expect(page).to_have_url(re.compile(r"/login/?$"))

    for tab in tabs:  # each one's next click finds the session ended, and says so
        if page.device == "tablet":
            tab.get_by_role("button", name="Меню").click()
        tab.get_by_role("link", name="Главная").click()
        expect(tab).to_have_url(re.compile(r"/login/?$"))
        expect(tab.get_by_text("Сеанс завершен. Войдите снова.")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "cabinet_session" and c["value"]]


def test_the_session_cookie_is_out_of_javascripts_reach(page, cabinet):
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "cabinet_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "cabinet_session" not in page.evaluate("document.cookie")


def test_a_restart_keeps_the_user_signed_in_and_the_page_says_it_reconnects(browser, cabinet):
    page = open_page(browser, cabinet, "desktop")
    page.context.set_default_timeout(20_000)
    try:
        sign_in(page, ADMIN, ADMIN_PASSWORD)
        follow(page, page.get_by_role("link", name="История заявок"))
        expect(page.get_by_role("heading", name="История заявок", exact=True)).to_be_visible()

        cabinet.stop()
        expect(page.get_by_text(RESTORING)).to_be_visible(timeout=60_000)
        cabinet.start()
        expect(page.get_by_text(RESTORING)).to_be_hidden(timeout=RESTART_SECONDS * 1000)

        # The same page, reconnected by itself and still signed in: it goes on without a new sign-in.
        expect(page).to_have_url(re.compile(r"/history/?$"))
        follow(page, page.get_by_role("link", name="Главная"))
        expect(page.get_by_text("Сумма к оплате")).to_be_visible()
        page.goto("/subscribers")
        expect(page.get_by_role("heading", name="Абоненты", exact=True)).to_be_visible()
    finally:
        page.context.close()
