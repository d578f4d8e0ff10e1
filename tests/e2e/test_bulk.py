"""«Операции со списком абонентов»: «Активация» and «Прекращение обслуживания» followed to the request's
per-subscriber results."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import query, sign_in


def numbers(cabinet, page, status, count):
    """Subscribers of the tab, different for each screen size."""
    skip = 0 if page.device == "desktop" else count
    return [row[0] for row in query(
        cabinet, "SELECT s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
        "WHERE a.organization_id = 1 AND a.kind = 'mobile' AND s.status = ? AND s.number NOT LIKE '37529000000%' "
        "ORDER BY s.number DESC LIMIT ? OFFSET ?", status, count, skip)]


def order(page, tab, chosen):
    page.goto("/bulk")
    page.get_by_role("tab", name=tab).click()
    for number in chosen:
        page.get_by_label("Поиск абонента").fill(number)
        page.get_by_role("button", name="Найти").click()
        page.get_by_role("checkbox", name=f"Выбрать {number}").click()
    expect(page.get_by_text(f"Выбрано абонентов: {len(chosen)}")).to_be_visible()
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("status")).to_contain_text("принята")
    page.get_by_role("link", name="Открыть заявку и ее ход").click()
    expect(page.get_by_text("Статус: Выполнена")).to_be_visible(timeout=30_000)
    for number in chosen:
        expect(page.get_by_role("cell", name=number)).to_be_visible()


def test_activation_of_a_list(page, cabinet):
    chosen = numbers(cabinet, page, "waiting", 2)
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    order(page, "Активация", chosen)
    statuses = {row[0] for row in query(cabinet, f"SELECT status FROM subscriber WHERE number IN "
                                        f"({','.join('?' * len(chosen))})", *chosen)}
    assert statuses == {"active"}


def test_termination_only_after_confirmation(page, cabinet):
    chosen = numbers(cabinet, page, "active", 1)
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    page.goto("/bulk")
    page.get_by_role("tab", name="Прекращение обслуживания").click()
    page.get_by_label("Поиск абонента").fill(chosen[0])
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("checkbox", name=f"Выбрать {chosen[0]}").click()
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Назад").click()  # not confirmed: nothing changes
    assert query(cabinet, "SELECT status FROM subscriber WHERE number = ?", chosen[0])[0][0] == "active"
    order(page, "Прекращение обслуживания", chosen)
    assert query(cabinet, "SELECT status FROM subscriber WHERE number = ?", chosen[0])[0][0] == "terminated"
