"""Accessibility of every page (DESIGN §6): axe-core finds nothing critical or serious, at desktop size and at
768×1024 with touch, and every control is a tap target of at least 44×44 px on the tablet.

The pages are the routes of `cabinet.routes`, each opened by whom it is for; a route added there and not here
fails `test_every_route_is_checked`, so no page is forgotten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cabinet import routes
from tests.e2e.conftest import ROOT, open_page
from tests.e2e.helpers import account_number, query, sign_in, sign_in_sip_admin

AXE = ROOT / ".tools/axe/node_modules/axe-core/axe.min.js"  # installed by `make deps`
TOUCH = 44  # px, layout.TOUCH

ADMIN = ("375290000001", "Admin#2026")
SUPERVISOR = ("375290000002", "Super#2026")
BOTH_ROLES = ("375290000003", "Both#2026")


def _subscriber(cabinet, kind: str) -> int:
    return query(cabinet, "SELECT s.id FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                 "WHERE a.organization_id = 1 AND a.kind = ? ORDER BY s.id LIMIT 1", kind)[0][0]


def _request(cabinet) -> int:
    return query(cabinet, "SELECT r.id FROM request r JOIN personalaccount a ON a.id = r.account_id "
                 "WHERE a.organization_id = 1 AND a.kind = 'mobile' ORDER BY r.id LIMIT 1")[0][0]


# (who opens it, the address: a route, or a function of the cabinet giving it with its query)
PAGES: dict[str, tuple[str, object]] = {
    "sign-in": ("nobody", routes.LOGIN),
    "recovery": ("nobody", routes.RECOVER),
    "address confirmation": ("nobody", routes.address_confirmation("not-a-valid-token")),
    "role choice": ("both roles", routes.ROLE),
    "password change": ("administrator", routes.PASSWORD),
    "home": ("administrator", routes.HOME),
    "home, supervisor": ("supervisor", routes.HOME),
    "home, fixed line": ("fixed line", routes.HOME),
    "invoices": ("administrator", routes.INVOICES),
    "invoices, fixed line": ("fixed line", routes.INVOICES),
    "payments": ("administrator", routes.PAYMENTS),
    "payments, fixed line": ("fixed line", routes.PAYMENTS),
    "call detail": ("administrator", routes.CALL_DETAIL),
    "reconciliation": ("administrator", routes.RECONCILIATION),
    "subscribers": ("administrator", routes.SUBSCRIBERS),
    "subscriber card": ("administrator", lambda cabinet: routes.subscriber_card(_subscriber(cabinet, "mobile"))),
    "bulk services": ("administrator", routes.BULK),
    "bulk tariff": ("administrator", routes.BULK_TARIFF),
    "bulk operations": ("administrator", routes.BULK_OPERATIONS),
    "history": ("administrator", routes.HISTORY),
    "request": ("administrator", lambda cabinet: routes.request_page(_request(cabinet))),
    "sip home": ("sip administrator", routes.SIP_HOME),
    "sip payments": ("sip administrator", routes.SIP_PAYMENTS),
    "sip invoices": ("sip administrator", routes.SIP_INVOICES),
    "sip subscribers": ("sip administrator", routes.SIP_SUBSCRIBERS),
    "sip card": ("sip administrator", lambda cabinet: routes.sip_card(_subscriber(cabinet, "sip"))),
}
LEFT_OUT: dict[str, str] = {}  # route -> why it is not checked; none is


def _declared_routes() -> set[str]:
    return {value for name, value in vars(routes).items()
            if name.isupper() and isinstance(value, str) and value.startswith("/")}


def _path(address: str) -> str:
    return address.split("?")[0]


def test_every_route_is_checked():
    checked = {_path(address) for _, address in PAGES.values() if isinstance(address, str)}
    checked |= {"/subscribers/card", "/history/request", "/sip/subscribers/card"}  # the addresses with an id
    assert _declared_routes() - checked - set(LEFT_OUT) == set()


@pytest.fixture(scope="module")
def visitor(browser, cabinet):
    """A signed-in browser per (who, device), opened once for the module."""
    opened: dict = {}

    def get(who: str, device: str):
        if (who, device) not in opened:
            page = open_page(browser, cabinet, device)
            page.context.set_default_timeout(30_000)
            if who == "sip administrator":
                sign_in_sip_admin(page, cabinet)
            elif who == "fixed line":
                sign_in(page, account_number(cabinet, "fixed"), "Fixed#2026", fixed=True)
            elif who != "nobody":
                sign_in(page, *{"administrator": ADMIN, "supervisor": SUPERVISOR, "both roles": BOTH_ROLES}[who])
            opened[(who, device)] = page
        return opened[(who, device)]

    yield get
    for page in opened.values():
        page.context.close()


def _open(visitor, cabinet, name: str, device: str):
    who, address = PAGES[name]
    page = visitor(who, device)
    page.goto(address if isinstance(address, str) else address(cabinet))
    expect(page.locator("main")).to_have_count(1)  # the page's main landmark, axe's `landmark-one-main`
    return page


def _axe(page) -> list[dict]:
    page.add_script_tag(content=Path(AXE).read_text())
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in found if v["impact"] in ("critical", "serious")]


def _described(violations: list[dict]) -> str:
    return json.dumps([{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                        "nodes": [{"target": n["target"], "why": n["failureSummary"]} for n in v["nodes"][:10]]}
                       for v in violations], ensure_ascii=False, indent=1)


@pytest.mark.parametrize("device", ["desktop", "tablet"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_critical_or_serious(visitor, cabinet, name, device):
    page = _open(visitor, cabinet, name, device)
    violations = _axe(page)
    assert not violations, f"{name} ({page.url}) at {device}:\n{_described(violations)}"


# Every visible control the finger may aim at, with its box: a control's own label counts as part of it (a tap on
# the label works the control), and so does a text input's frame (a tap in it focuses the input). Exempt, as
# WCAG 2.5.8 (Target Size, Minimum) exempts «Inline: the target is in a sentence or its size is otherwise
# constrained by the line-height of non-target text»: a link set inline in a line of running text (its block holds
# more text than the link's own). Nothing else is exempt.
_SMALL_TARGETS = """min => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
        + '[role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=combobox], [role=option], '
        + '[role=menuitem], [tabindex]:not([tabindex="-1"])';
    const inRunningText = el => {
        if (!getComputedStyle(el).display.startsWith('inline')) return false;
        let block = el.parentElement;
        while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
        return block !== null && block.textContent.trim().length > el.textContent.trim().length;
    };
    const small = [];
    for (const el of new Set(document.querySelectorAll(selector))) {
        if (el.closest('[aria-hidden="true"], [inert]')) continue;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
        let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
        const field = el.closest('.rt-TextFieldRoot');  // a tap anywhere in the field's frame focuses its input
        if (field) {
            const frame = field.getBoundingClientRect();
            [left, top] = [Math.min(left, frame.left), Math.min(top, frame.top)];
            [right, bottom] = [Math.max(right, frame.right), Math.max(bottom, frame.bottom)];
        }
        const label = el.closest('label') || (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null);
        if (label) {
            const around = label.getBoundingClientRect();
            [left, top] = [Math.min(left, around.left), Math.min(top, around.top)];
            [right, bottom] = [Math.max(right, around.right), Math.max(bottom, around.bottom)];
        }
        const [width, height] = [right - left, bottom - top];
        if ((width < min - 0.5 || height < min - 0.5) && !inRunningText(el)) {
            const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '').trim();
            small.push(`${el.tagName.toLowerCase()}${el.getAttribute('role') ? '[role=' + el.getAttribute('role') + ']' : ''}`
                + ` «${name.slice(0, 40)}» ${Math.round(width)}×${Math.round(height)}`);
        }
    }
    return small;
}"""


@pytest.mark.parametrize("name", list(PAGES))
def test_every_control_is_a_tap_target_of_44_px_on_the_tablet(visitor, cabinet, name):
    page = _open(visitor, cabinet, name, "tablet")
    small = page.evaluate(_SMALL_TARGETS, TOUCH)
    assert not small, f"{name} ({page.url}): under {TOUCH}×{TOUCH} px at 768×1024:\n" + "\n".join(small)
