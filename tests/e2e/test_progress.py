"""A request's progress cannot be lost from view: the wizard's last step survives a reload (as it survives its
websocket coming back), and a second tab opened on the request sees the same final counts."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import wait_ready
from tests.e2e.test_bulk import DONE, admin, pick, result_of, tick  # noqa: F401 - admin is the signed-in page fixture

SERVICE = "Защита от спама"
WITHOUT_IT = ("AND s.id NOT IN (SELECT ss.subscriber_id FROM subscriberservice ss JOIN service v "
              f"ON v.id = ss.service_id WHERE v.name = '{SERVICE}')")


def test_the_last_step_survives_a_reload_and_a_second_tab_sees_the_same(admin, cabinet):  # noqa: F811
    chosen = pick(cabinet, admin, "active", 2, 90, WITHOUT_IT)
    admin.goto("/bulk")
    admin.get_by_label("Категория услуги").select_option(label="Безопасность")
    admin.get_by_label("Услуга", exact=True).select_option(label=f"{SERVICE} · 1,90 BYN в месяц")
    tick(admin, chosen)
    admin.get_by_role("button", name="Продолжить").click()
    admin.get_by_role("button", name="Подтвердить").click()
    expect(admin.get_by_role("status")).to_contain_text("принята")

    admin.reload()
    wait_ready(admin)
    expect(admin.get_by_role("status")).to_contain_text("принята")
    expect(admin.get_by_role("progressbar", name="Ход выполнения заявки")).to_be_visible()
    expect(admin.get_by_text("Статус: Выполнена")).to_be_visible(timeout=DONE)

    link = admin.get_by_role("link", name="Открыть заявку и ее ход").get_attribute("href")
    second = admin.context.new_page()
    second.goto(link)
    wait_ready(second)
    expect(second.get_by_text("Статус: Выполнена")).to_be_visible(timeout=DONE)
    for number in chosen:
        expect(result_of(second, number)).to_contain_text("Выполнено")

    admin.get_by_role("button", name="Новая операция").click()  # the draft starts again only when asked
    expect(admin.get_by_role("button", name="Продолжить")).to_be_visible()
