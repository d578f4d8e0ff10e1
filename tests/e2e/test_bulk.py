"""«Операции со списком абонентов» B1–B5 in the browser, each followed from the wizard's live progress to the
request's per-subscriber results."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import follow, numbers_file, query, sign_in

DONE = 30_000  # the worker polls; a small request is done within a few seconds


@pytest.fixture
def admin(page):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    return page


def pick(cabinet, page, status, count, base, extra=""):
    """`count` subscribers of org 1's mobile account, from position `base` (by id) on; other ones for each screen
    size, so the two runs do not meet, and away from the other tests' subscribers (positions below 40)."""
    offset = base + (0 if page.device == "desktop" else count)
    return [row[0] for row in query(
        cabinet, "SELECT s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
        f"WHERE a.organization_id = 1 AND a.kind = 'mobile' AND s.status = ? {extra} "
        "AND s.number NOT LIKE '37529000000%' ORDER BY s.id LIMIT ? OFFSET ?", status, count, offset)]


def tick(page, numbers):
    for number in numbers:
        page.get_by_label("Поиск абонента").fill(number)
        page.get_by_role("button", name="Найти").click()
        page.get_by_role("checkbox", name=f"Выбрать {number}").click()
    expect(page.get_by_text(f"Выбрано абонентов: {len(numbers)}")).to_be_visible()


def confirm_and_follow(page, status="Выполнена"):
    """Confirm; the wizard's last step counts up, then its link shows the request with a row per subscriber."""
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("status")).to_contain_text("принята")
    expect(page.get_by_role("progressbar", name="Ход выполнения заявки")).to_be_visible()
    expect(page.get_by_text(f"Статус: {status}")).to_be_visible(timeout=DONE)
    follow(page, page.get_by_role("link", name="Открыть заявку и ее ход"))
    expect(page.get_by_text(f"Статус: {status}")).to_be_visible(timeout=DONE)


def result_of(page, number):
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=number, exact=True))


def statuses(cabinet, numbers):
    return {row[0]: row[1] for row in query(cabinet, f"SELECT number, status FROM subscriber WHERE number IN "
                                            f"({','.join('?' * len(numbers))})", *numbers)}


def test_services_for_a_ticked_list_one_refused(admin, cabinet):
    service = "Защита от спама"
    [active] = pick(cabinet, admin, "active", 1, 40, "AND s.id NOT IN (SELECT ss.subscriber_id FROM subscriberservice "
                    f"ss JOIN service v ON v.id = ss.service_id WHERE v.name = '{service}')")
    [waiting] = pick(cabinet, admin, "waiting", 1, 0)
    admin.goto("/bulk")
    admin.get_by_label("Категория услуги").select_option(label="Безопасность")
    admin.get_by_label("Услуга", exact=True).select_option(label=f"{service} · 1,90 BYN в месяц")
    tick(admin, [active, waiting])
    admin.get_by_role("button", name="Продолжить").click()
    expect(admin.get_by_text(f"Подключить услугу «{service}» выбранным абонентам: 2?")).to_be_visible()
    confirm_and_follow(admin, "Выполнена частично")
    expect(result_of(admin, active)).to_contain_text("Выполнено")
    expect(result_of(admin, waiting)).to_contain_text("Ожидание активации")
    connected = query(cabinet, "SELECT COUNT(*) FROM subscriberservice ss JOIN subscriber s ON s.id = "
                      "ss.subscriber_id JOIN service v ON v.id = ss.service_id WHERE s.number = ? AND v.name = ?",
                      active, service)
    assert connected == [(1,)]


def test_tariff_for_an_uploaded_list(admin, cabinet, tmp_path):
    tariff = "Бизнес Оптима"
    chosen = pick(cabinet, admin, "active", 2, 50, "AND s.tariff_id != (SELECT id FROM tariff WHERE name = "
                  f"'{tariff}')")
    admin.goto("/bulk/tariff")
    admin.get_by_role("button", name=f"Подробнее: {tariff}").click()
    admin.get_by_role("radio", name="Загрузить файл xlsx").click()
    admin.locator("input[type=file]").set_input_files(numbers_file(tmp_path, chosen))
    expect(admin.get_by_text("номеров 2")).to_be_visible()
    admin.get_by_role("button", name="Продолжить").click()
    expect(admin.get_by_text(f"на тарифный план «{tariff}»")).to_be_visible()
    confirm_and_follow(admin)
    for number in chosen:
        expect(result_of(admin, number)).to_contain_text("Выполнено")
    tariffs = query(cabinet, "SELECT DISTINCT t.name FROM subscriber s JOIN tariff t ON t.id = s.tariff_id "
                    "WHERE s.number IN (?, ?)", *chosen)
    assert tariffs == [(tariff,)]


def test_rename_applies_only_the_confirmed_field(admin, cabinet):
    confirmed, unconfirmed = pick(cabinet, admin, "active", 2, 60)
    before = query(cabinet, "SELECT name FROM subscriber WHERE number = ?", unconfirmed)[0][0]
    new_name = f"Склад {admin.device}"
    admin.goto("/bulk/operations")
    tick(admin, [confirmed, unconfirmed])
    admin.get_by_role("button", name="Продолжить").click()
    field = admin.get_by_label(f"Новое имя {confirmed}")
    field.fill("=" + new_name)
    admin.get_by_role("button", name=f"Подтвердить имя {confirmed}").click()
    # the refusal stands under that row's field, alone, and goes as soon as the name is put right
    expect(field).to_have_attribute("aria-invalid", "true")
    refusal = admin.locator("#" + field.get_attribute("aria-describedby"))
    expect(refusal).to_contain_text("не может начинаться со знака «=»")
    expect(admin.get_by_role("alert")).to_have_count(1)
    field.fill(new_name)
    expect(refusal).to_have_count(0)
    expect(field).to_have_attribute("aria-invalid", "false")
    admin.get_by_role("button", name=f"Подтвердить имя {confirmed}").click()
    expect(admin.get_by_label(f"Подтверждено {confirmed}")).to_be_visible()
    admin.get_by_label(f"Новое имя {unconfirmed}").fill("Без подтверждения")
    admin.get_by_role("button", name="Продолжить").click()
    expect(admin.get_by_text("Переименовать абонентов: 1?")).to_be_visible()
    expect(admin.get_by_text(f"не будут применены: {unconfirmed}")).to_be_visible()
    confirm_and_follow(admin)
    expect(result_of(admin, confirmed)).to_contain_text("Выполнено")
    expect(result_of(admin, unconfirmed)).to_have_count(0)
    names = dict(query(cabinet, "SELECT number, name FROM subscriber WHERE number IN (?, ?)", confirmed, unconfirmed))
    assert names == {confirmed: new_name, unconfirmed: before}


def test_activation_of_a_list(admin, cabinet):
    chosen = pick(cabinet, admin, "waiting", 2, 4)
    admin.goto("/bulk/operations")
    admin.get_by_role("tab", name="Активация").click()
    tick(admin, chosen)
    admin.get_by_role("button", name="Продолжить").click()
    confirm_and_follow(admin)
    for number in chosen:
        expect(result_of(admin, number)).to_contain_text("Выполнено")
    assert set(statuses(cabinet, chosen).values()) == {"active"}


def test_termination_only_after_confirmation(admin, cabinet):
    chosen = pick(cabinet, admin, "active", 1, 70)
    admin.goto("/bulk/operations")
    admin.get_by_role("tab", name="Прекращение обслуживания").click()
    tick(admin, chosen)
    admin.get_by_role("button", name="Продолжить").click()
    expect(admin.get_by_text("SIM-карты перестанут работать")).to_be_visible()
    admin.get_by_role("button", name="Назад").click()  # not confirmed: nothing changes
    assert statuses(cabinet, chosen) == {chosen[0]: "active"}
    admin.get_by_role("button", name="Продолжить").click()
    confirm_and_follow(admin)
    expect(result_of(admin, chosen[0])).to_contain_text("Выполнено")
    assert statuses(cabinet, chosen) == {chosen[0]: "terminated"}


def test_terminating_over_50_shows_whom_and_needs_the_count_typed(admin, cabinet, tmp_path):
    chosen = pick(cabinet, admin, "active", 53, 600)  # far above the other tests' subscribers
    admin.goto("/bulk/operations")
    admin.get_by_role("tab", name="Прекращение обслуживания").click()
    admin.get_by_role("radio", name="Загрузить файл xlsx").click()
    admin.locator("input[type=file]").set_input_files(numbers_file(tmp_path, chosen))
    expect(admin.get_by_text("номеров 53")).to_be_visible()
    admin.get_by_role("button", name="Продолжить").click()
    expect(admin.get_by_text("Прекратить обслуживание выбранных абонентов: 53?", exact=False)).to_be_visible()
    expect(admin.get_by_test_id("chosen-numbers")).to_have_text(f"Абонентов: 53. {', '.join(chosen[:10])} и еще 43")
    confirm = admin.get_by_role("button", name="Подтвердить")
    expect(confirm).to_have_attribute("data-accent-color", "red")
    expect(confirm).to_be_disabled()
    count = admin.get_by_label("Число абонентов для подтверждения")
    count.fill("50")
    expect(confirm).to_be_disabled()
    count.fill("53")
    expect(confirm).to_be_enabled()
    assert set(statuses(cabinet, chosen).values()) == {"active"}  # nothing changed before the confirmation
    confirm_and_follow(admin)
    assert set(statuses(cabinet, chosen).values()) == {"terminated"}


def test_a_bad_file_shows_its_rows_and_orders_nothing(admin, cabinet, tmp_path):
    requests_before = query(cabinet, "SELECT COUNT(*) FROM request")[0][0]
    admin.goto("/bulk/tariff")
    admin.get_by_role("radio", name="Загрузить файл xlsx").click()
    admin.locator("input[type=file]").set_input_files(numbers_file(tmp_path, ["375291234567", "abc", "37529"]))
    expect(admin.get_by_role("alert")).to_contain_text("Файл не принят")
    expect(admin.get_by_role("cell", name="abc")).to_be_visible()
    admin.get_by_role("button", name="Подробнее").first.click()
    admin.get_by_role("button", name="Продолжить").click()
    expect(admin.get_by_text("Отметьте абонентов или загрузите файл с их номерами.")).to_be_visible()
    assert query(cabinet, "SELECT COUNT(*) FROM request")[0][0] == requests_before


def test_a_file_over_the_size_cap_is_refused_in_the_page_before_it_is_sent(admin, tmp_path):
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + bytes(2_100_000))  # over 2 MB: the browser itself refuses it
    admin.goto("/bulk/tariff")
    admin.get_by_role("radio", name="Загрузить файл xlsx").click()
    admin.locator("input[type=file]").set_input_files(str(big))
    expect(admin.get_by_text("Файл больше 2 МБ. Загрузите файл меньшего размера.")).to_be_visible()
