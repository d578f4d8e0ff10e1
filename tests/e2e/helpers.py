"""What the browser tests share: signing in, reading the seeded database, reading the mail that arrived."""

from __future__ import annotations

import email
import re
import sqlite3
import time
from email import policy
from email.message import EmailMessage

import openpyxl
from playwright.sync_api import expect


def money(value: float) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",") + " BYN"


def query(cabinet, sql: str, *params):
    with sqlite3.connect(cabinet.data_dir / "cabinet.db") as db:
        return db.execute(sql, params).fetchall()


def account_number(cabinet, kind: str, organization: int = 1) -> str:
    return query(cabinet, "SELECT number FROM personalaccount WHERE kind = ? AND organization_id = ? ORDER BY id",
                 kind, organization)[0][0]


def shows_account(page, number: str) -> None:
    expect(page.get_by_text(re.compile(f"Лицевой счет {number}"))).to_be_visible()


# The page the browser shows is ready when its root's `data-ready` names its address (layout.ready).
_READY = """leaving => {
    const root = document.querySelector("[data-ready]");
    return location.pathname !== leaving && root !== null && root.dataset.ready === location.pathname;
}"""


def wait_ready(page, *, leaving: str | None = None) -> None:
    """Wait until the page the browser shows is hydrated and its load has run, so that nothing typed or clicked
    is lost or reset by them; `leaving`: the address being left, waited for to change first. A page opened by
    `conftest.open_page` (the `page` fixture's) waits so in every `goto`."""
    page.wait_for_function(_READY, arg=leaving, polling=100)


def follow(page, target) -> None:
    """Click what opens another page (a link, a button whose handler redirects) and wait until it is ready."""
    leaving = page.evaluate("location.pathname")
    target.click()
    wait_ready(page, leaving=leaving)


def switch_account(page, label: str) -> None:
    """The Supervisor's account switcher set to `label`; returns once the page it reloads is ready."""
    with page.expect_event("load"):
        page.get_by_label("Лицевой счет").select_option(label=label)
    wait_ready(page)


def fill_sign_in(page, login: str, password: str, *, fixed: bool = False, opened: bool = False):
    """The sign-in page opened (unless it is `opened` already, with the address it leads back to) and its form
    filled; returns the button that sends it."""
    if not opened:
        page.goto("/login")
    if fixed:
        page.get_by_role("tab", name="Фиксированная связь").click()
    panel = page.get_by_role("tabpanel")
    panel.get_by_label("Номер лицевого счета" if fixed else "Номер телефона").fill(login)
    panel.get_by_label("Пароль").fill(password)
    return panel.get_by_role("button", name="Войти")


def sign_in(page, login: str, password: str, *, fixed: bool = False) -> None:
    """Signed in through the sign-in page; returns once the page it leads to is ready."""
    follow(page, fill_sign_in(page, login, password, fixed=fixed))


def wait_for_mail(cabinet, matches, timeout: float = 60) -> EmailMessage:
    """The first e-mail in the embedded server's folder for which matches(message) is true."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for path in cabinet.mails():
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if matches(message):
                return message
        time.sleep(0.5)
    raise AssertionError("The expected e-mail did not arrive in the embedded SMTP server.")


def attachment(message: EmailMessage):
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_content()


def numbers_file(tmp_path, values) -> str:
    """An xlsx with the values in one column, as a user would upload it."""
    workbook = openpyxl.Workbook()
    for value in values:
        workbook.active.append([value])
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)
    return str(path)


SIP_ADMIN, SIP_PASSWORD = "375172000001", "Sip#Office2026"  # the «SIP-соединение» number of org 1


def register_sip_admin(page, cabinet) -> None:
    """The SIP administrator's first registration (A4): a temporary password by e-mail, then a new one."""
    page.goto("/login")
    follow(page, page.get_by_role("link", name="Забыли пароль"))
    page.get_by_role("button", name="Идентификация через E-mail").click()
    page.get_by_label("Номер телефона").fill(SIP_ADMIN)
    mails_before = len(cabinet.mails())
    page.get_by_role("button", name="Восстановить пароль").click()
    status_or_wait = page.get_by_role("status").or_(page.get_by_role("alert"))
    expect(status_or_wait).to_be_visible()
    wait = re.search(r"через (\d+) с", status_or_wait.inner_text())
    if wait:  # another test asked for a password less than a minute ago
        time.sleep(int(wait.group(1)) + 1)
        page.get_by_role("button", name="Восстановить пароль").click()
    expect(page.get_by_role("status")).to_contain_text("временный пароль отправлен")
    message = email.message_from_bytes(cabinet.wait_for_mail(mails_before).read_bytes(), policy=policy.default)
    assert message["To"] == "sip-admin@example.com"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "http" in body
    temporary = re.search(r"Временный пароль: (\S+)", body).group(1)
    sign_in(page, SIP_ADMIN, temporary)
    expect(page.get_by_role("heading", name="Смена пароля")).to_be_visible()
    page.get_by_label("Новый пароль", exact=True).fill(SIP_PASSWORD)
    page.get_by_label("Повторите новый пароль").fill(SIP_PASSWORD)
    follow(page, page.get_by_role("button", name="Сохранить"))
    expect(page.get_by_role("heading", name="Персональная информация")).to_be_visible()


def sign_in_sip_admin(page, cabinet) -> None:
    """Signed in as the SIP administrator, registering first if no test has done it yet."""
    if query(cabinet, "SELECT password_hash FROM user WHERE login = ?", SIP_ADMIN)[0][0] is None:
        register_sip_admin(page, cabinet)
        return
    sign_in(page, SIP_ADMIN, SIP_PASSWORD)
    expect(page.get_by_role("heading", name="Персональная информация")).to_be_visible()
