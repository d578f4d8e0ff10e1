"""The running app's HTTP bounds: no page or API answer may be framed; an upload larger than the picker takes is
refused with 413 before its body is read, one from a browser that is not signed in with 403, while a signed-in
user's upload still reaches the page; an unauthenticated visit leaves no state on disk."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.helpers import numbers_file, sign_in, wait_ready

FRAME_HEADERS = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}


def answer(url: str) -> tuple[int, Message]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def connection(cabinet) -> http.client.HTTPConnection:
    address = urlsplit(cabinet.url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=10)


@pytest.mark.parametrize("path", ["/login", "/", "/ping", "/api/sip/invoice?token=forged"])
def test_pages_and_api_answers_forbid_framing(cabinet, path):
    status, headers = answer(cabinet.url + path)
    assert status in (200, 403)
    for name, value in FRAME_HEADERS.items():
        assert headers.get_all(name) == [value], (path, headers.items())


def test_a_two_gigabyte_upload_is_refused_before_its_body_is_sent(cabinet):
    client = connection(cabinet)
    client.putrequest("POST", "/_upload")
    client.putheader("Content-Length", str(2 * 10**9))
    client.putheader("Content-Type", "multipart/form-data; boundary=x")
    client.putheader("reflex-client-token", "anyone")
    client.putheader("reflex-event-handler", "reflex___state____state.anything.upload")
    client.endheaders()
    started = time.monotonic()
    response = client.getresponse()
    assert response.status == 413
    assert response.read().decode() == "Файл больше 2 МБ. Загрузите файл меньшего размера."
    assert response.getheader("X-Frame-Options") == "DENY"
    assert time.monotonic() - started < 5
    client.close()


@pytest.mark.parametrize("chunked", [False, True])
def test_an_upload_from_a_browser_not_signed_in_is_refused_unread(cabinet, chunked):
    client = connection(cabinet)
    client.putrequest("POST", "/_upload")
    client.putheader("Content-Type", "multipart/form-data; boundary=x")
    client.putheader("reflex-client-token", "not-a-client")
    client.putheader("reflex-event-handler", "reflex___state____state.anything.upload")
    if chunked:
        client.putheader("Transfer-Encoding", "chunked")
    else:
        client.putheader("Content-Length", "1000000")
    client.endheaders()  # the body is never sent: the answer comes without it
    response = client.getresponse()
    assert (response.status, response.read().decode()) == (403, "Сеанс завершен. Войдите снова.")
    client.close()


def test_a_signed_in_upload_still_reaches_the_picker(page, tmp_path):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    page.goto("/bulk/tariff")
    page.get_by_role("radio", name="Загрузить файл xlsx").click()
    page.locator("input[type=file]").set_input_files(numbers_file(tmp_path, ["375291234567", "abc"]))
    expect(page.get_by_role("alert")).to_contain_text("Файл не принят")
    expect(page.get_by_role("cell", name="abc")).to_be_visible()


def test_a_visit_that_does_not_sign_in_leaves_no_state_on_disk(browser, cabinet):
    states = ROOT / ".states"
    before = time.time() - 1
    context = browser.new_context(locale="ru-RU", base_url=cabinet.url)
    try:
        page = context.new_page()
        page.goto("/login")
        wait_ready(page)
        expect(page.get_by_role("tabpanel").get_by_label("Пароль")).to_be_visible()
        page.get_by_role("tabpanel").get_by_label("Пароль").fill("typed, not sent")
        time.sleep(3)  # the disk manager wrote its files within a second or two
    finally:
        context.close()
    written = [path for path in states.rglob("*") if path.is_file() and path.stat().st_mtime > before] \
        if states.exists() else []
    assert written == []
