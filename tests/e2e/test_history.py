"""«История заявок» (B6): filters, a request's page with per-subscriber results, live counts, export."""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect

from tests.e2e.helpers import follow, query, sign_in


def test_filter_by_type_then_open_a_request_and_export_its_results(page, cabinet):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    page.goto("/history")
    page.get_by_label("Тип").select_option(label="Детализация на Email")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("cell", name="Услуги")).to_have_count(0)
    cells = page.get_by_role("cell", name="Детализация на Email")
    expect(cells.first).to_be_visible()
    follow(page, page.get_by_role("link", name="№").first)
    expect(page.get_by_role("heading", name="Заявка", exact=True)).to_be_visible()
    expect(page.get_by_role("progressbar", name="Ход выполнения заявки")).to_be_visible()
    expect(page.get_by_role("cell", name="Выполнено").first).to_be_visible()
    number = page.get_by_role("cell").first.inner_text()
    assert len(number) == 12 and number.startswith("375")
    with page.expect_download() as download:
        page.get_by_role("button", name="Выгрузить результаты в Excel").click()
    rows = list(openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()),
                                       read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Номер", "Статус", "Результат") and number in {row[0] for row in rows[1:]}


def test_a_new_request_counts_up_while_the_worker_runs(page, cabinet):
    subscriber_id = query(cabinet, "SELECT s.id FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                          "WHERE a.organization_id = 1 AND a.kind = 'mobile' AND s.status = 'active' "
                          "ORDER BY s.id DESC LIMIT 1 OFFSET ?", 0 if page.device == "desktop" else 1)[0][0]
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    page.goto(f"/subscribers/card?id={subscriber_id}")
    page.get_by_role("button", name="Изменить имя абонента").click()
    page.get_by_role("dialog").get_by_label("Имя абонента").fill(f"Касса {page.device}")
    page.get_by_role("dialog").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status").first).to_contain_text("принята")
    request_id = query(cabinet, "SELECT MAX(id) FROM request")[0][0]
    page.goto(f"/history/request?id={request_id}")
    expect(page.get_by_text("Статус: Выполнена")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("cell", name="Выполнено").first).to_be_visible()


def test_the_type_filter_offers_each_kind_once_and_only_those_the_account_can_have(page, cabinet):
    sign_in(page, "375290000001", "Admin#2026")
    expect(page.get_by_text("Сумма к оплате")).to_be_visible()
    page.goto("/history")
    kinds = page.get_by_label("Тип").locator("option").all_inner_texts()
    assert len(kinds) == len(set(kinds)) and "Регистрация оплаты" in kinds and "Отправка счета" in kinds
    assert "Начисления за текущий период" not in kinds and "SIP-многоканальность" not in kinds
    statuses = page.get_by_label("Статус").locator("option").all_inner_texts()
    assert "Отозвана" in statuses
