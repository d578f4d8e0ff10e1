"""The SIP administrator's cabinet in the browser: «Платежи» (P2–P4), «Счета» (P5–P7), «Управление абонентами
SIP» (P10–P16)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import E2E_TODAY
from tests.e2e.helpers import account_number, attachment, follow, money, query, sign_in_sip_admin, wait_for_mail
from tests.e2e.test_finance import check_a_payments_period_beside_its_dates


@pytest.fixture
def sip(page, cabinet):
    sign_in_sip_admin(page, cabinet)
    return page


def test_personal_information_shows_requisites_account_and_figures(sip, cabinet):
    sip.goto("/sip")
    expect(sip.get_by_text("Администратор SIP", exact=True)).to_be_visible()  # the role, once: it is the name too
    unp = query(cabinet, "SELECT unp FROM organization WHERE id = 1")[0][0]
    expect(sip.get_by_text("Сумма счета к оплате")).to_be_visible()
    expect(sip.get_by_text(unp, exact=True)).to_be_visible()
    expect(sip.get_by_text(account_number(cabinet, "sip"), exact=True)).to_be_visible()
    expect(sip.get_by_text("Форма оплаты")).to_be_visible()
    expect(sip.get_by_text("Способ доставки счетов")).to_be_visible()


def open_payments(page, section):
    page.goto("/sip/payments")
    page.get_by_role("tab", name=section).click()


def test_payments_between_two_dates_within_twelve_months(sip):
    open_payments(sip, "Информация по платежам")
    check_a_payments_period_beside_its_dates(sip, "Далее")
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


def open_invoices(page, section):
    page.goto("/sip/invoices")
    page.get_by_role("tab", name=section).click()


def test_invoice_of_a_previous_month_arrives_by_email(sip, cabinet):
    account = account_number(cabinet, "sip")
    open_invoices(sip, "Заказать счет на E-mail")
    expect(sip.get_by_label("Месяц")).to_have_value("2026-10")
    sip.get_by_label("Месяц").select_option(label="сентябрь 2026" if sip.device == "tablet" else "октябрь 2026")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("status")).to_contain_text("будет отправлен на sip-admin@example.com")
    month = "сентябрь 2026" if sip.device == "tablet" else "октябрь 2026"
    message = wait_for_mail(cabinet, lambda m: f"Счет за {month}" in m["Subject"] and account in m["Subject"])
    assert message["To"] == "sip-admin@example.com"
    name, content = attachment(message)
    assert account in name and len(content) > 500


def test_invoice_downloaded_by_its_link_and_a_forged_link_refused(sip):
    open_invoices(sip, "Загрузить счет по ссылке")
    sip.get_by_role("button", name="Далее").click()
    link = sip.get_by_role("link", name="Скачать: Счет за октябрь 2026")
    expect(sip.get_by_text("Ссылка действительна до")).to_be_visible()
    with sip.expect_download() as download:
        link.click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    href = link.get_attribute("href")
    response = sip.request.get(href[:-3] + ("000" if not href.endswith("000") else "111"))
    assert response.status == 403 and "недействительна" in response.text()


def test_delivery_method_and_address_changed_in_steps(sip):
    open_invoices(sip, "Изменить способ/адрес доставки")
    sip.get_by_role("button", name="Изменить").click()
    sip.get_by_role("radio", name="E-mail").click()
    sip.get_by_role("button", name="Далее").click()
    addresses = sip.get_by_label("Адреса электронной почты")
    typed, refusal = (("sip-buh@example.com\nnot-an-address", "«not-an-address» указан неверно")
                      if sip.device == "desktop" else ("", "Укажите хотя бы один адрес"))
    addresses.fill(typed)
    sip.get_by_role("button", name="Далее").click()  # the addresses are checked as their step is left
    expect(sip.locator("#emails-error")).to_contain_text(refusal)
    expect(addresses).to_have_attribute("aria-invalid", "true")
    expect(sip.get_by_role("button", name="Сохранить")).to_have_count(0)  # still on the addresses
    addresses.fill("sip-buh@example.com")
    expect(sip.locator("#emails-error")).to_have_count(0)
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_text("Счета будут отправляться по электронной почте на: sip-buh@example.com")).to_be_visible()
    if sip.device == "desktop":
        sip.get_by_role("button", name="Сохранить").click()
        expect(sip.get_by_role("status")).to_contain_text(
            "На адрес sip-buh@example.com отправлено письмо со ссылкой для подтверждения")
    else:
        sip.get_by_role("button", name="Назад").tap()
        expect(addresses).to_have_value("sip-buh@example.com")
        sip.get_by_role("button", name="Назад").tap()
        sip.get_by_role("radio", name="Получает сам").tap()
        sip.get_by_role("button", name="Далее").tap()
        expect(sip.get_by_text("счета не будут отправляться")).to_be_visible()
        sip.get_by_role("button", name="Сохранить").tap()
        expect(sip.get_by_text("Способ доставки: Получает сам")).to_be_visible()
        expect(sip.get_by_role("status")).to_contain_text("сохранены")


def test_call_detail_of_the_sip_connection_arrives_by_email(sip, cabinet):
    open_invoices(sip, "Детализация на E-mail")
    month = "октябрь 2026" if sip.device == "tablet" else "ноябрь 2026"
    sip.get_by_label("Период", exact=True).select_option(label=month)
    sip.get_by_label("Тип детализации").select_option(label="Все абоненты на одном листе")
    sip.get_by_role("button", name="Далее").click()
    sip.get_by_role("button", name="Сформировать детализацию").click()
    expect(sip.get_by_role("alert")).to_contain_text("Отметьте абонента")
    sip.get_by_role("checkbox").click()
    sip.get_by_role("button", name="Сформировать детализацию").click()
    expect(sip.get_by_role("status")).to_contain_text("в течение суток на sip-admin@example.com")
    message = wait_for_mail(cabinet, lambda m: "Детализация" in m["Subject"] and month in m["Subject"]
                            and account_number(cabinet, "sip") in m["Subject"])
    assert message["To"] == "sip-admin@example.com"


def open_subscriber(page, cabinet, number):
    subscriber_id = query(cabinet, "SELECT id FROM subscriber WHERE number = ?", number)[0][0]
    page.goto(f"/sip/subscribers/card?id={subscriber_id}")
    expect(page.get_by_role("heading", name=number)).to_be_visible()


def open_section(page, *path):
    """The subscriber's section, then its sub-section, chosen by their names: tapped on the tablet."""
    for name in path:
        tab = page.get_by_role("tab", name=name, exact=True)
        tab.tap() if page.device == "tablet" else tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")


def test_choose_a_subscriber_and_free_minutes_only_on_the_connection(sip):
    sip.goto("/sip/subscribers")
    sip.get_by_role("button", name="Показать все").click()
    sip.get_by_role("radio", name="375172000001").click()
    follow(sip, sip.get_by_role("button", name="Далее"))
    expect(sip.get_by_role("heading", name="375172000001 · SIP-соединение")).to_be_visible()
    expect(sip.get_by_text("Остаток бесплатных минут в другие сети")).to_be_visible()
    sip.goto("/sip/subscribers")
    number = sip.get_by_label("По номеру телефона")
    number.fill("375172000099")
    sip.get_by_role("button", name="Найти").click()
    # the refusal stands beside the number, alone, and goes as soon as a number of the account is typed
    expect(sip.locator("#number-error")).to_contain_text("375172000099 не найден")
    expect(sip.get_by_role("alert")).to_have_count(1)
    expect(number).to_have_attribute("aria-invalid", "true")
    number.fill("375172000003")
    expect(sip.locator("#number-error")).to_have_count(0)
    expect(number).to_have_attribute("aria-invalid", "false")
    follow(sip, sip.get_by_role("button", name="Найти"))
    expect(sip.get_by_role("heading", name="375172000003 · SIP-номер")).to_be_visible()
    expect(sip.get_by_text("Дата подключения")).to_be_visible()
    expect(sip.get_by_text("Остаток бесплатных минут")).to_have_count(0)
    open_section(sip, "SIP-телефония")
    expect(sip.get_by_role("tab", name="SIP-многоканальность")).to_have_count(0)
    expect(sip.get_by_role("tab", name="Параметры для настройки SIP")).to_have_attribute("aria-selected", "true")


def test_services_added_and_minute_packages_only_by_application(sip, cabinet):
    number = "375172000004" if sip.device == "desktop" else "375172000005"
    open_subscriber(sip, cabinet, number)
    open_section(sip, "Операции с услугами", "Услуги абонента")
    record = sip.get_by_role("group", name="Запись разговоров")
    record.get_by_role("button", name="Добавить").click()
    expect(sip.get_by_role("status")).to_contain_text("принята")
    expect(record.get_by_role("button", name="Удалить")).to_be_visible(timeout=30_000)


def test_a_minutes_package_is_only_by_application_never_removed_or_added(sip, cabinet):
    open_subscriber(sip, cabinet, "375172000001")
    open_section(sip, "Операции с услугами", "Услуги абонента")
    expect(sip.get_by_text("Подключение/отключение пакетов минут в другие сети возможно только по заявлению.")) \
        .to_be_visible()
    connected = sip.get_by_role("group", name="Пакет 100 минут на другие сети", exact=True)
    expect(connected.get_by_text("только по заявлению", exact=True)).to_be_visible()
    expect(connected.get_by_role("button")).to_have_count(0)
    expect(sip.get_by_role("group", name="Запись разговоров").get_by_role("button", name="Удалить")).to_be_visible()
    offered = sip.get_by_role("group", name="Пакет 500 минут на другие сети", exact=True)
    expect(offered.get_by_text("только по заявлению", exact=True)).to_be_visible()
    expect(offered.get_by_role("button")).to_have_count(0)


def test_channels_changed_after_a_confirmation_then_refused_for_seven_days(sip, cabinet):
    # The last change 12 days ago, as seeded, so that each screen size makes its own change.
    twelve_days_ago = dt.datetime.combine(E2E_TODAY - dt.timedelta(days=12), dt.time(11, 20))
    query(cabinet, "UPDATE subscriber SET channel_changed_at = ? WHERE number = '375172000001'",
          f"{twelve_days_ago:%Y-%m-%d %H:%M:%S.000000}")
    package = "10 каналов" if sip.device == "desktop" else "30 каналов"
    fee = query(cabinet, "SELECT monthly_fee FROM channelpackage WHERE name = ?", package)[0][0]
    open_subscriber(sip, cabinet, "375172000001")
    open_section(sip, "SIP-телефония", "SIP-многоканальность")
    sip.get_by_role("button", name="Изменить").click()
    sip.get_by_role("radio", name=package).click()
    sip.get_by_role("button", name="Изменить").click()
    dialog = sip.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Будет подключен пакет «{package}» — {money(float(fee))} в месяц.")
    next_change = E2E_TODAY + dt.timedelta(days=7)
    expect(dialog).to_contain_text(f"Следующая смена — не ранее {next_change:%d.%m.%Y}.")
    dialog.get_by_role("button", name="Подтвердить").click()
    expect(dialog).to_have_count(0)
    expect(sip.get_by_role("status")).to_contain_text("выполнена", timeout=30_000)
    expect(sip.get_by_text(f"Подключенный пакет каналов: {package}")).to_be_visible()
    expect(sip.get_by_text(f"Следующая смена возможна с {next_change:%d.%m.%Y}")).to_be_visible()
    expect(sip.get_by_role("button", name="Изменить")).to_have_count(0)


def test_sip_settings_with_the_password_on_demand(sip, cabinet):
    open_subscriber(sip, cabinet, "375172000002")
    open_section(sip, "SIP-телефония", "Параметры для настройки SIP")
    expect(sip.get_by_text("Регистратор (registrar)")).to_be_visible()
    password = query(cabinet, "SELECT sip_password FROM subscriber WHERE number = '375172000002'")[0][0]
    expect(sip.get_by_text(password)).to_have_count(0)
    sip.get_by_role("button", name="Показать пароль").click()
    expect(sip.get_by_text(password, exact=True)).to_be_visible()


def test_sip_settings_reached_by_keyboard(sip, cabinet):
    def arrow_to(name):
        sip.keyboard.press("ArrowRight")
        expect(sip.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")

    open_subscriber(sip, cabinet, "375172000001")
    sip.get_by_role("tab", name="Персональная информация", exact=True).focus()
    arrow_to("Операции с услугами")
    arrow_to("SIP-телефония")
    sip.keyboard.press("Tab")  # into the open section
    sip.keyboard.press("Tab")  # its sub-sections
    expect(sip.get_by_role("tab", name="SIP-многоканальность", exact=True)).to_be_focused()
    arrow_to("Параметры для настройки SIP")
    expect(sip.get_by_text("Регистратор (registrar)")).to_be_visible()


def test_charges_of_a_past_and_the_current_month(sip, cabinet):
    open_subscriber(sip, cabinet, "375172000001")
    open_section(sip, "Начисления за период")
    sip.get_by_label("Месяц").select_option(label="октябрь 2026")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("heading", name="Начисления за октябрь 2026")).to_be_visible()
    expect(sip.get_by_text("Итого:")).to_be_visible()
    sip.get_by_label("Месяц").select_option(label="ноябрь 2026")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("heading", name="Начисления за ноябрь 2026 (на текущую дату)")).to_be_visible()
    expect(sip.get_by_role("cell", name="Абонентская плата по тарифному плану «SIP-соединение»")).to_be_visible()


def test_call_detail_paged_and_the_notice_without_calls(sip, cabinet):
    open_subscriber(sip, cabinet, "375172000006")
    open_section(sip, "Просмотр детализации")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_text("За выбранный период у абонента не было звонков.")).to_be_visible()
    open_subscriber(sip, cabinet, "375172000001")
    open_section(sip, "Просмотр детализации")
    sip.get_by_label("Месяц").select_option(label="октябрь 2026")
    sip.get_by_label("Вид детализации").select_option(label="Входящие")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("columnheader", name="Длительность")).to_be_visible()
    assert sip.get_by_role("row").count() > 1


def first_column(message) -> set:
    """The values of the first column of an e-mail's xlsx attachment."""
    import io

    import openpyxl

    _, content = attachment(message)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return {row[0] for row in sheet.iter_rows(values_only=True) if row}


def test_preliminary_invoice_for_a_typed_list_arrives_by_email(sip, cabinet):
    account = account_number(cabinet, "sip")
    typed = ["375172000002", "375172000003"] if sip.device == "desktop" else ["375172000004", "375172000005"]
    open_invoices(sip, "Начисления за текущий период")
    sip.get_by_role("radio", name="Ввести свой список абонентов").click()
    sip.get_by_label("Номера абонентов").fill(f"{typed[0]}\n375299999999")
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("alert")).to_contain_text("Нет на этом лицевом счете: 375299999999")
    sip.get_by_label("Номера абонентов").fill(", ".join(typed))
    sip.get_by_role("button", name="Далее").click()
    expect(sip.get_by_role("status")).to_contain_text("будет отправлен на sip-admin@example.com")
    wait_for_mail(cabinet, lambda m: "Предварительный счет" in m["Subject"] and account in m["Subject"]
                  and set(typed) <= first_column(m))


def test_a_company_page_sends_the_sip_administrator_home_with_the_reason(sip):
    sip.goto("/subscribers")
    expect(sip).to_have_url(re.compile(r"/sip/?$"))
    expect(sip.get_by_text("Вы вошли как администратор SIP")).to_be_visible()
    navigation = sip.get_by_role("navigation", name="Разделы").first
    expect(navigation.get_by_role("link", name="Абоненты")).to_have_count(0)
