"""Every tab strip of the cabinet shows all its sections: at 768×1024 portrait and 1024×768 landscape on a touch
tablet and at 1366×900, every tab lies inside the window, neither the page nor the strip scrolls sideways, and each
tab opens its section by a tap or a click."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_page
from tests.e2e.helpers import query, sign_in_sip_admin

SCREENS = {"768×1024": ("tablet", 768, 1024), "1024×768": ("tablet", 1024, 768), "1366×900": ("desktop", 1366, 900)}

# What stands out of the window or scrolls: the tabs in view reaching beyond the window's width, a strip wider
# than itself, the page wider than the window.
_OVERFLOW = """() => {
    const width = window.innerWidth;
    const out = [...document.querySelectorAll('[role="tab"]')]
        .filter(tab => { const box = tab.getBoundingClientRect(); return box.left < 0 || box.right > width; })
        .map(tab => tab.textContent);
    const scrolling = [...document.querySelectorAll('[role="tablist"]')]
        .filter(list => list.scrollWidth > list.clientWidth).map(list => list.getAttribute("aria-label"));
    return {out, scrolling, page: document.documentElement.scrollWidth - width};
}"""


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, cabinet):
    device, width, height = SCREENS[request.param]
    page = open_page(browser, cabinet, device)
    page.set_viewport_size({"width": width, "height": height})
    page.context.set_default_timeout(20_000)
    sign_in_sip_admin(page, cabinet)
    yield page
    page.context.close()


def _all_in_view(page) -> None:
    assert page.evaluate(_OVERFLOW) == {"out": [], "scrolling": [], "page": 0}


def _open(page, tab) -> None:
    tab.tap() if page.device == "tablet" else tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    _all_in_view(page)


def _open_each(page, strip: str) -> None:
    """Each tab of the strip named `strip` opened in turn."""
    tabs = page.get_by_role("tablist", name=strip, exact=True).get_by_role("tab")
    expect(tabs.first).to_be_visible()
    _all_in_view(page)
    for index in range(tabs.count()):
        _open(page, tabs.nth(index))


def test_the_sip_subscriber_page_shows_every_section_and_sub_section(screen, cabinet):
    subscriber_id = query(cabinet, "SELECT id FROM subscriber WHERE number = '375172000001'")[0][0]
    screen.goto(f"/sip/subscribers/card?id={subscriber_id}")
    tabs = screen.get_by_role("tablist", name="Разделы абонента", exact=True).get_by_role("tab")
    sections = ["Персональная информация", "Операции с услугами", "SIP-телефония", "Начисления за период",
                "Просмотр детализации"]
    expect(tabs).to_have_count(len(sections))
    for index, section in enumerate(sections):
        expect(tabs.nth(index)).to_have_accessible_name(section)
        _open(screen, tabs.nth(index))
        for inside in ("Операции с услугами", "SIP-телефония"):
            if screen.get_by_role("tablist", name=inside, exact=True).count():
                _open_each(screen, inside)


@pytest.mark.parametrize("address", ["/sip/invoices", "/sip/payments"])
def test_the_sip_account_pages_show_every_section(screen, address):
    screen.goto(address)
    _open_each(screen, "Разделы страницы")
