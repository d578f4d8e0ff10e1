"""Finance C1–C7 in the browser, as the Administrator (mobile account) and as the Supervisor on the
fixed-line account, at desktop size and at 768×1024; every order is read back from the embedded SMTP server."""

from __future__ import annotations

import contextlib
import io
import re
import time

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    account_number,
    attachment,
    follow,
    numbers_file,
    query,
    sign_in,
    switch_account,
    wait_for_mail,
)

PEOPLE = {
    "administrator": ("375290000001", "Admin#2026", "mobile"),
    "supervisor": ("375290000002", "Super#2026", "fixed"),
}


@pytest.fixture(params=list(PEOPLE))
def account(request, page, cabinet):
    """Signed in, looking at the account under test; returns its number."""
    login, password, kind = PEOPLE[request.param]
    number = account_number(cabinet, kind)
    sign_in(page, login, password)
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    if request.param == "supervisor":
        switch_account(page, f"Фиксированная связь · {number}")
        expect(page.get_by_text(re.compile(f"Лицевой счет {number}"))).to_be_visible()
    return number


def open_section(page, name: str) -> None:
    if page.device == "tablet":
        page.get_by_role("button", name="Меню").tap()
    follow(page, page.get_by_role("link", name=name, exact=True))
    expect(page.get_by_role("heading", name=name, level=1, exact=True)).to_be_visible()


def delivery(cabinet, number):
    emails, invoice_format = query(cabinet, "SELECT delivery_emails, invoice_format FROM personalaccount "
                                   "WHERE number = ?", number)[0]
    return emails, invoice_format


def test_main_page_charts_charges_by_month_and_top_subscribers(page, cabinet, account):
    expect(page.get_by_text("Начисления по месяцам")).to_be_visible()
    expect(page.get_by_text("Десять абонентов с наибольшими начислениями")).to_be_visible()
    assert page.locator(".recharts-bar-rectangle").count() >= 12


def test_delivery_address_and_format_then_invoice_arrives_in_that_format(page, cabinet, account):
    wanted = {"desktop": ("xlsx", "Excel"), "tablet": ("txt", "txt")}[page.device]
    open_section(page, "Счета")
    page.get_by_role("button", name="Изменить адрес доставки и формат счета").click()
    dialog = page.get_by_role("dialog")
    emails = dialog.get_by_label("Адреса электронной почты")
    emails.fill("buh@example.com\nnot-an-address")
    dialog.get_by_role("button", name="Сохранить").click()
    # the refusal stands beside the addresses, alone, and goes as soon as they are put right
    expect(dialog.locator("#emails-error")).to_contain_text("not-an-address")
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(emails).to_have_attribute("aria-invalid", "true")
    expect(emails).to_have_attribute("aria-describedby", "emails-error")
    address = f"{page.device}-{account}@example.com"
    emails.fill(address)
    expect(dialog.locator("#emails-error")).to_have_count(0)
    expect(emails).to_have_attribute("aria-invalid", "false")
    dialog.get_by_role("radio", name=wanted[1], exact=True).click()
    dialog.get_by_role("button", name="Сохранить").click()
    # a new address receives invoices only once the link mailed to it is opened; the format applies at once
    expect(page.get_by_role("status").filter(
        has_text=f"На адрес {address} отправлено письмо со ссылкой для подтверждения")).to_be_visible()
    assert address not in delivery(cabinet, account)[0] and delivery(cabinet, account)[1] == wanted[0]
    letter = wait_for_mail(cabinet, lambda m: address in (m["To"] or "") and "Подтвердите адрес" in m["Subject"])
    page.goto(re.search(r"http\S+/delivery/confirm\?token=\S+", letter.get_body(("plain",)).get_content())[0])
    expect(page.get_by_text(f"Адрес {address} будет добавлен")).to_be_visible()
    assert address not in delivery(cabinet, account)[0]  # opening the link alone confirms nothing
    page.get_by_role("button", name="Подтвердить адрес").click()
    expect(page.get_by_text(f"Адрес {address} подтвержден")).to_be_visible()
    page.goto(cabinet.url + "/finance/invoices")
    expect(page.get_by_text(address, exact=True)).to_be_visible()

    page.get_by_role("button", name="Отправить счет").click()
    resend = page.get_by_role("button", name="Отправить повторно")
    ordered = page.get_by_role("status").filter(has_text="будет отправлен")
    expect(resend.or_(ordered)).to_be_visible()
    if resend.is_visible():  # the invoice of this period went before (another run): it is sent again
        resend.click()
    expect(ordered).to_contain_text(address)
    message = wait_for_mail(cabinet, lambda m: address in (m["To"] or "") and "Счет" in m["Subject"])
    name, content = attachment(message)
    assert name.endswith("." + wanted[0]) and account in name
    if wanted[0] == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        assert any(account in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    else:
        assert account in content.decode("utf-8") if isinstance(content, bytes) else account in content


def check_a_payments_period_beside_its_dates(page, button: str) -> None:
    """Each refusal of the period stands beside its date once `button` is pressed, alone on the page, and goes as
    soon as the date is put right; the payments of a right period are shown. The company's «Платежи» and the SIP
    administrator's «Информация по платежам» share it."""
    start, end = page.get_by_label("Начальная дата"), page.get_by_label("Конечная дата")
    show = page.get_by_role("button", name=button)
    start.fill("2025-10-01")
    show.click()
    expect(page.locator("#date_from-error")).to_contain_text("Платежи доступны за последние 12 месяцев: с 05.11.2025")
    expect(page.get_by_role("alert")).to_have_count(1)  # beside the field, not at the top of the page as well
    expect(start).to_have_attribute("aria-invalid", "true")
    start.fill("2026-01-01")
    expect(page.locator("#date_from-error")).to_have_count(0)
    end.fill("2026-12-01")
    show.click()
    expect(page.locator("#date_to-error")).to_contain_text("не может быть позже сегодняшней (05.11.2026)")
    end.fill("2026-10-31")
    expect(page.locator("#date_to-error")).to_have_count(0)
    start.fill("2026-11-01")
    show.click()
    expect(page.locator("#date_from-error")).to_contain_text("позже даты окончания")
    start.fill("2026-01-01")
    expect(page.locator("#date_from-error")).to_have_count(0)
    show.click()
    expect(page.get_by_text("Итого:")).to_be_visible()
    expect(start).to_have_value("2026-01-01")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_payments_of_the_current_month_and_a_refused_range(page, cabinet, account):
    open_section(page, "Платежи")
    expect(page.get_by_label("Начальная дата")).to_have_value("2026-11-01")
    check_a_payments_period_beside_its_dates(page, "Показать")


@contextlib.contextmanager
def paused_worker(cabinet):
    """The cabinet's worker takes no new request while the block runs (`Settings.worker_pause_file`), so that a
    request stays waiting; the worker looks again at most one poll later."""
    pause = cabinet.data_dir / "worker.pause"
    pause.touch()
    time.sleep(1)  # a look at the requests begun before the file existed has ended
    try:
        yield
    finally:
        pause.unlink(missing_ok=True)


def registration_row(page):
    return page.get_by_role("row").filter(has=page.get_by_role("button", name="Отозвать"))


def test_payment_registration_is_checked_confirmed_corrected_and_withdrawn_while_it_waits(page, cabinet, account):
    with paused_worker(cabinet):
        open_section(page, "Платежи")
        amount = page.get_by_label("Сумма оплаты, BYN")
        register = page.get_by_role("button", name="Зарегистрировать оплату")
        for typed, words in (("0", "больше нуля"), ("1,234", "не более двух знаков"), ("сто", "числом")):
            amount.fill(typed)
            register.click()
            expect(page.locator("#amount-error")).to_contain_text(words)  # beside the field, before any dialog
            expect(page.get_by_role("alertdialog")).to_have_count(0)
        amount.fill("10,50")
        expect(page.locator("#amount-error")).to_have_count(0)  # gone once the amount is right
        register.click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog).to_contain_text("Оплата 10,50 BYN по лицевому счету " + account)
        expect(dialog).to_contain_text("можно изменить или отозвать")
        dialog.get_by_role("button", name="Подтвердить").click()
        expect(page.get_by_role("status")).to_contain_text("Оплата 10,50 BYN зарегистрирована.")
        expect(page.locator("#amount-error")).to_have_count(0)

        expect(registration_row(page)).to_contain_text("10,50 BYN")
        registration_row(page).get_by_role("button", name="Изменить").click()
        change = page.get_by_role("dialog")
        change.get_by_label("Сумма оплаты, BYN").fill("100000")
        change.get_by_role("button", name="Сохранить").click()
        expect(change.locator("#amount-error")).to_contain_text("не может быть больше суммы к оплате")
        change.get_by_label("Сумма оплаты, BYN").fill("12")
        expect(change.locator("#amount-error")).to_have_count(0)  # gone once the amount is right
        change.get_by_role("button", name="Сохранить").click()
        expect(page.get_by_role("status")).to_contain_text("изменена: 12,00 BYN")
        expect(registration_row(page)).to_contain_text("12,00 BYN")

        registration_row(page).get_by_role("button", name="Отозвать").click()
        confirm = page.get_by_role("alertdialog")
        expect(confirm).to_contain_text("Регистрация оплаты 12,00 BYN")
        expect(confirm).to_contain_text("будет отозвана")
        confirm.get_by_role("button", name="Отозвать").click()
        expect(page.get_by_role("status")).to_contain_text("Регистрация оплаты 12,00 BYN отозвана.")
        expect(page.get_by_role("cell", name="Отозвана").first).to_be_visible()
        expect(page.get_by_role("button", name="Отозвать")).to_have_count(0)
    open_section(page, "История заявок")
    expect(page.get_by_role("row").filter(has_text="Регистрация оплаты").first).to_contain_text("Отозвана")


def test_a_second_invoice_sending_says_when_and_where_it_went_and_sends_again(page, cabinet, account):
    open_section(page, "Счета")
    send = page.get_by_role("button", name="Отправить счет")
    before = len(cabinet.mails())
    send.click()
    notice = page.get_by_role("status").filter(has_text="уже")
    first = page.get_by_role("status").filter(has_text="будет отправлен")
    expect(notice.or_(first)).to_be_visible()
    if first.is_visible():  # never sent before: it goes now, and the second click tells of it
        cabinet.wait_for_mail(before)  # mailed: the request is done by then
        expect(page.get_by_role("button", name="Отправить повторно")).to_have_count(0)
        send.click()
    recipients = delivery(cabinet, account)[0]
    expect(notice).to_contain_text(re.compile(r"Счет за \S+ 2026 уже (отправлен|заказан) \d\d\.\d\d\.2026 в \d\d:\d\d"))
    expect(notice).to_contain_text(re.compile(r"на .*@"))
    before = len(cabinet.mails())
    page.get_by_role("button", name="Отправить повторно").click()
    expect(page.get_by_role("status").filter(has_text="будет отправлен")).to_be_visible()
    expect(page.get_by_role("button", name="Отправить повторно")).to_have_count(0)
    assert recipients and cabinet.wait_for_mail(before)


def test_a_wizard_period_is_checked_when_its_step_is_left_and_the_error_goes_once_fixed(page, cabinet, account):
    open_section(page, "Акт сверки")
    start, end = page.get_by_label("Начало периода"), page.get_by_label("Конец периода")
    start.fill("2026-12-01")
    page.get_by_role("button", name="Далее").click()
    expect(page.locator("#date_from-error")).to_contain_text("не может быть позже сегодняшней (05.11.2026)")
    expect(page.get_by_role("button", name="Заказать акт сверки")).to_have_count(0)  # still on the period
    start.fill("2026-01-01")
    expect(page.locator("#date_from-error")).to_have_count(0)
    start.fill("2023-01-01")
    page.get_by_role("button", name="Далее").click()
    expect(page.locator("#date_from-error")).to_contain_text("доступен за 3 года: с 05.11.2023")
    start.fill("2026-10-01")
    expect(page.locator("#date_from-error")).to_have_count(0)
    end.fill("2026-09-30")
    page.get_by_role("button", name="Далее").click()
    expect(page.locator("#date_from-error")).to_contain_text("позже даты окончания")
    end.fill("2026-10-31")
    expect(page.locator("#date_from-error")).to_have_count(0)
    page.get_by_role("button", name="Далее").click()
    page.get_by_role("radio", name="На другой адрес").click()
    page.get_by_label("Адрес электронной почты").fill("not-an-address")
    page.get_by_role("button", name="Заказать акт сверки").click()
    expect(page.locator("#email-error")).to_contain_text("указан неверно")
    page.get_by_label("Адрес электронной почты").fill(f"act-check-{page.device}@example.com")
    expect(page.locator("#email-error")).to_have_count(0)


def test_payment_registration_once_per_invoice(page, cabinet, account):
    open_section(page, "Платежи")
    already = query(cabinet, "SELECT COUNT(*) FROM guaranteepayment g JOIN personalaccount a ON a.id = g.account_id "
                    "WHERE a.number = ? AND g.status != 'withdrawn'", account)[0][0]
    if already:
        expect(page.get_by_text("уже зарегистрирована")).to_be_visible()
        return
    page.get_by_role("button", name="Зарегистрировать оплату").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("status")).to_contain_text("зарегистрирована")
    expect(page.get_by_text("уже зарегистрирована")).to_be_visible()


def subscriber_with_calls(cabinet, number: str) -> str:
    rows = query(cabinet, "SELECT s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                 "JOIN callrecord c ON c.subscriber_id = s.id WHERE a.number = ? AND c.started_at >= '2026-10-01' "
                 "AND c.started_at < '2026-11-01' ORDER BY s.number LIMIT 1", number)
    if rows:
        return rows[0][0]
    return query(cabinet, "SELECT s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                 "WHERE a.number = ? ORDER BY s.number LIMIT 1", number)[0][0]


def order_detail_until_confirmation(page):
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_text("по абонентам")).to_be_visible()
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("status")).to_be_visible()


def test_call_detail_for_subscribers_ticked_in_the_list(page, cabinet, account):
    subscriber = subscriber_with_calls(cabinet, account)
    open_section(page, "Детализация на Email")
    page.get_by_label("Период").select_option(label="Октябрь 2026")
    page.get_by_role("button", name="Далее").click()
    page.get_by_label("Поиск абонента").fill(subscriber[-7:])
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("checkbox", name=f"Выбрать {subscriber}").click()
    expect(page.get_by_text("Выбрано абонентов: 1")).to_be_visible()
    order_detail_until_confirmation(page)
    wait_for_mail(cabinet, lambda m: "Детализация" in m["Subject"] and account in m["Subject"]
                            and subscriber in str(attachment_sheets(m)))


def attachment_sheets(message) -> list[str]:
    _, content = attachment(message)
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_call_detail_from_an_uploaded_file(page, cabinet, account, tmp_path):
    numbers = [row[0] for row in query(cabinet, "SELECT s.number FROM subscriber s JOIN personalaccount a "
                                       "ON a.id = s.account_id WHERE a.number = ? ORDER BY s.id LIMIT 2", account)]
    open_section(page, "Детализация на Email")
    page.get_by_role("button", name="Далее").click()
    page.get_by_role("radio", name="Загрузить файл xlsx").click()
    page.locator("input[type=file]").set_input_files(numbers_file(tmp_path, numbers))
    expect(page.get_by_text("номеров 2")).to_be_visible()
    order_detail_until_confirmation(page)
    wait_for_mail(cabinet, lambda m: "Детализация" in m["Subject"] and account in m["Subject"]
                  and set(numbers) <= set(attachment_sheets(m)))


def test_a_bad_file_is_refused_whole_with_its_rows_and_orders_nothing(page, cabinet, account, tmp_path):
    requests_before = query(cabinet, "SELECT COUNT(*) FROM request")[0][0]
    open_section(page, "Детализация на Email")
    page.get_by_role("button", name="Далее").click()
    page.get_by_role("radio", name="Загрузить файл xlsx").click()
    page.locator("input[type=file]").set_input_files(numbers_file(tmp_path, ["375291234567", "abc", "37529"]))
    expect(page.get_by_role("alert")).to_contain_text("Файл не принят")
    expect(page.get_by_role("cell", name="abc")).to_be_visible()
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_text("Загрузите файл с номерами абонентов.")).to_be_visible()
    assert query(cabinet, "SELECT COUNT(*) FROM request")[0][0] == requests_before


def test_reconciliation_act_to_another_address_with_the_expected_date(page, cabinet, account):
    open_section(page, "Акт сверки")
    page.get_by_label("Начало периода").fill("2026-01-01")
    page.get_by_role("button", name="Далее").click()
    page.get_by_role("radio", name="На другой адрес").click()
    address = f"act-{page.device}-{account}@example.com"
    page.get_by_label("Адрес электронной почты").fill(address)
    page.get_by_role("button", name="Заказать акт сверки").click()
    expect(page.get_by_role("status")).to_contain_text("не позднее")
    message = wait_for_mail(cabinet, lambda m: address in (m["To"] or ""))
    name, content = attachment(message)
    assert name.endswith(".pdf") and content[:4] == b"%PDF"
    open_section(page, "История заявок")
    expect(page.get_by_role("cell", name="Акт сверки").first).to_be_visible()
