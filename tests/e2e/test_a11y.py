"""Accessibility of every page (DESIGN §6): axe-core finds nothing critical or serious, at desktop size and at
768×1024 with touch, and every control is a tap target of at least 44×44 px on the tablet.

The pages are the routes of `cabinet.routes`, each opened by whom it is for; a route added there and not here
fails `test_every_route_is_checked`, so no page is forgotten."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
from playwright.sync_api import expect

from cabinet import routes
from tests.e2e.conftest import E2E_TODAY, ROOT, open_page
from tests.e2e.helpers import account_number, query, sign_in, sign_in_sip_admin, wait_ready

AXE = ROOT / ".tools/axe/node_modules/axe-core/axe.min.js"  # installed by `make deps`
TOUCH = 44  # px, layout.TOUCH
WAIT = 30_000  # ms: what a step shows comes back from the cabinet, slower on a loaded machine

ADMIN = ("375290000001", "Admin#2026")
SUPERVISOR = ("375290000002", "Super#2026")
BOTH_ROLES = ("375290000003", "Both#2026")


def _subscriber(cabinet, kind: str) -> int:
    return query(cabinet, "SELECT s.id FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                 "WHERE a.organization_id = 1 AND a.kind = ? ORDER BY s.id LIMIT 1", kind)[0][0]


def _request(cabinet) -> int:
    return query(cabinet, "SELECT r.id FROM request r JOIN personalaccount a ON a.id = r.account_id "
                 "WHERE a.organization_id = 1 AND a.kind = 'mobile' ORDER BY r.id LIMIT 1")[0][0]


_UNKNOWN_NUMBERS = (f"37529998{n:04d}" for n in itertools.count(1))  # a new code for each: no 60 s to wait


def _fixed_line_tab(page, cabinet) -> None:
    page.get_by_role("tab", name="Фиксированная связь").click()
    expect(page.get_by_label("Номер лицевого счета")).to_be_visible(timeout=WAIT)


def _code_step(page, cabinet) -> None:
    page.get_by_role("radio", name="По SMS-коду").click()
    page.get_by_label("Номер телефона").fill(next(_UNKNOWN_NUMBERS))
    page.get_by_role("button", name="Получить код").click()
    expect(page.get_by_role("button", name="Изменить номер")).to_be_visible(timeout=WAIT)


def _tab(*path: str):
    """The step that opens the tabs of `path` in turn: a section, then its sub-section."""

    def open_tab(page, cabinet) -> None:
        for name in path:
            tab = page.get_by_role("tab", name=name)
            tab.click()
            expect(tab).to_have_attribute("aria-selected", "true", timeout=WAIT)
    return open_tab


def _recovery_form(page, cabinet) -> None:
    page.get_by_role("button", name="Идентификация через E-mail").click()
    expect(page.get_by_role("button", name="Восстановить пароль")).to_be_visible(timeout=WAIT)


def _dialog(button: str):
    """The step that opens the card's dialog behind `button`."""

    def open_dialog(page, cabinet) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("dialog")).to_be_visible(timeout=WAIT)
    return open_dialog


def _tariff_details(page, cabinet) -> None:
    page.get_by_role("dialog").get_by_role("button", name="Подробнее").first.click()
    expect(page.get_by_role("dialog").get_by_role("button", name=re.compile("^Выбран: "))).to_be_visible(timeout=WAIT)


def _number_confirmation(page, cabinet) -> None:
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Показать номера").click()  # one of the card's five draws a day
    dialog.get_by_role("radio").first.click()
    dialog.get_by_role("button", name="Выбрать номер").click()
    expect(dialog.get_by_text(re.compile("будет заменен на"))).to_be_visible(timeout=WAIT)


def _free_sim(cabinet) -> str:
    return query(cabinet, "SELECT iccid FROM simcard WHERE organization_id = 1 AND state = 'free' ORDER BY iccid")[0][0]


def _mistyped_sim(page, cabinet) -> None:
    iccid = _free_sim(cabinet)
    field = page.get_by_role("dialog").get_by_label("Номер новой SIM-карты (ICCID)")
    field.fill(iccid[:-1] + str((int(iccid[-1]) + 1) % 10))  # the check digit no longer fits
    field.press("Tab")
    expect(field).to_have_attribute("aria-invalid", "true", timeout=WAIT)


def _sim_confirmation(page, cabinet) -> None:
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Номер новой SIM-карты (ICCID)").fill(_free_sim(cabinet))
    dialog.get_by_role("button", name="Далее").click()
    expect(dialog.get_by_role("button", name="Подтвердить")).to_be_visible(timeout=WAIT)


def _ticked_subscriber(page, cabinet) -> None:
    """One active subscriber of the account ticked in the wizard's list."""
    number = query(cabinet, "SELECT s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                   "WHERE a.organization_id = 1 AND a.kind = 'mobile' AND s.status = 'active' ORDER BY s.id DESC "
                   "LIMIT 1")[0][0]
    page.get_by_label("Поиск абонента").fill(number)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("checkbox", name=f"Выбрать {number}").click()
    expect(page.get_by_text("Выбрано абонентов: 1")).to_be_visible(timeout=WAIT)


def _service_chosen(page, cabinet) -> None:
    page.get_by_label("Категория услуги").select_option(label="Безопасность")
    page.get_by_label("Услуга", exact=True).select_option(index=1)


def _tariff_chosen(page, cabinet) -> None:
    page.get_by_role("button", name=re.compile("^Подробнее")).first.click()


def _review(question: str):
    """The step from the wizard's choice to its review, which asks `question` above «Подтвердить»."""

    def review(page, cabinet) -> None:
        page.get_by_role("button", name="Продолжить").click()
        expect(page.get_by_text(re.compile(question))).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("button", name="Подтвердить")).to_be_visible(timeout=WAIT)
    return review


def _next(shown_then: str):
    """The step from the wizard's first step to its second, which shows the button `shown_then`."""

    def next_step(page, cabinet) -> None:
        page.get_by_role("button", name="Далее").click()
        expect(page.get_by_role("button", name=shown_then)).to_be_visible(timeout=WAIT)
    return next_step


def _wrong_act_address(page, cabinet) -> None:
    page.get_by_role("radio", name="На другой адрес").click()
    page.get_by_label("Адрес электронной почты").fill("not-an-address")
    page.get_by_role("button", name="Заказать акт сверки").click()
    expect(page.locator("#email-error")).to_be_visible(timeout=WAIT)


def _payment_confirmation(page, cabinet) -> None:
    # «Регистрация оплаты» opens only while the last invoice has no registration: whatever the other tests
    # registered is set aside (as withdrawn), and the page is loaded again.
    query(cabinet, "UPDATE guaranteepayment SET status = 'withdrawn' WHERE status = 'registered'")
    page.reload()
    wait_ready(page)
    page.get_by_label("Сумма оплаты, BYN").fill("10,50")
    page.get_by_role("button", name="Зарегистрировать оплату").click()
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=WAIT)


def _channels_confirmation(page, cabinet) -> None:
    # The last change 12 days ago, as seeded: another change is allowed, whatever the other tests changed.
    last_change = dt.datetime.combine(E2E_TODAY - dt.timedelta(days=12), dt.time(11, 20))
    query(cabinet, "UPDATE subscriber SET channel_changed_at = ? WHERE id = ?",
          f"{last_change:%Y-%m-%d %H:%M:%S.000000}", _subscriber(cabinet, "sip"))
    page.get_by_role("button", name="Изменить").click()
    page.get_by_role("radio").last.click()
    page.get_by_role("button", name="Изменить").click()
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=WAIT)


# The routes whose address needs a query: the address, from what the seeded cabinet holds.
ADDRESSES = {
    routes.CONFIRM_ADDRESS: lambda cabinet: routes.address_confirmation("not-a-valid-token"),
    routes.SUBSCRIBER_CARD: lambda cabinet: routes.subscriber_card(_subscriber(cabinet, "mobile")),
    routes.REQUEST: lambda cabinet: routes.request_page(_request(cabinet)),
    routes.SIP_CARD: lambda cabinet: routes.sip_card(_subscriber(cabinet, "sip")),
}

# (who opens it, its route[, what is done on the page before it is checked: steps(page, cabinet) that show more of
# it, up to a confirmation never given; such a page gets a browser of its own in each test, as the steps leave the
# page's state changed])
PAGES: dict[str, tuple] = {
    "sign-in": ("nobody", routes.LOGIN),
    "sign-in, fixed line": ("nobody", routes.LOGIN, _fixed_line_tab),
    "sign-in, SMS code": ("nobody", routes.LOGIN, _code_step),
    "recovery": ("nobody", routes.RECOVER),
    "recovery, e-mail": ("nobody", routes.RECOVER, _recovery_form),
    "address confirmation": ("nobody", routes.CONFIRM_ADDRESS),
    "role choice": ("both roles", routes.ROLE),
    "password change": ("administrator", routes.PASSWORD),
    "home": ("administrator", routes.HOME),
    "home, supervisor": ("supervisor", routes.HOME),
    "home, fixed line": ("fixed line", routes.HOME),
    "invoices": ("administrator", routes.INVOICES),
    "invoices, fixed line": ("fixed line", routes.INVOICES),
    "payments": ("administrator", routes.PAYMENTS),
    "payments, registration confirmation": ("administrator", routes.PAYMENTS, _payment_confirmation),
    "payments, fixed line": ("fixed line", routes.PAYMENTS),
    "call detail": ("administrator", routes.CALL_DETAIL),
    "call detail, subscribers": ("administrator", routes.CALL_DETAIL, _next("Продолжить")),
    "reconciliation": ("administrator", routes.RECONCILIATION),
    "reconciliation, address": ("administrator", routes.RECONCILIATION, _next("Заказать акт сверки"),
                                _wrong_act_address),
    "subscribers": ("administrator", routes.SUBSCRIBERS),
    "subscriber card": ("administrator", routes.SUBSCRIBER_CARD),
    "subscriber card, available services": ("administrator", routes.SUBSCRIBER_CARD, _tab("Доступные")),
    "subscriber card, tariff details": ("administrator", routes.SUBSCRIBER_CARD, _dialog("Сменить тариф"),
                                        _tariff_details),
    "subscriber card, number change confirmation": ("administrator", routes.SUBSCRIBER_CARD,
                                                    _dialog("Смена номера"), _number_confirmation),
    "subscriber card, mistyped SIM": ("administrator", routes.SUBSCRIBER_CARD, _dialog("Замена SIM"), _mistyped_sim),
    "subscriber card, SIM confirmation": ("administrator", routes.SUBSCRIBER_CARD, _dialog("Замена SIM"),
                                          _sim_confirmation),
    "bulk services": ("administrator", routes.BULK),
    "bulk services, review": ("administrator", routes.BULK, _service_chosen, _ticked_subscriber,
                              _review("Подключить услугу")),
    "bulk tariff": ("administrator", routes.BULK_TARIFF),
    "bulk tariff, review": ("administrator", routes.BULK_TARIFF, _tariff_chosen, _ticked_subscriber,
                            _review("на тарифный план")),
    "bulk operations": ("administrator", routes.BULK_OPERATIONS),
    **{f"bulk operations, {key}": ("administrator", routes.BULK_OPERATIONS, _tab(tab))
       for key, tab in (("activation", "Активация"), ("termination", "Прекращение обслуживания"))},
    "bulk operations, termination review": ("administrator", routes.BULK_OPERATIONS, _tab("Прекращение обслуживания"),
                                            _ticked_subscriber, _review("SIM-карты перестанут работать")),
    "history": ("administrator", routes.HISTORY),
    "request": ("administrator", routes.REQUEST),
    "sip home": ("sip administrator", routes.SIP_HOME),
    "sip payments": ("sip administrator", routes.SIP_PAYMENTS),
    **{f"sip payments, {key}": ("sip administrator", routes.SIP_PAYMENTS, _tab(tab))
       for key, tab in (("guarantees", "История гарантийных обязательств"), ("registration", "Регистрация платежей"))},
    "sip invoices": ("sip administrator", routes.SIP_INVOICES),
    **{f"sip invoices, {key}": ("sip administrator", routes.SIP_INVOICES, _tab(tab))
       for key, tab in (("link", "Загрузить счет по ссылке"), ("delivery", "Изменить способ/адрес доставки"),
                        ("detail", "Детализация на E-mail"), ("preliminary", "Начисления за текущий период"))},
    "sip subscribers": ("sip administrator", routes.SIP_SUBSCRIBERS),
    "sip card": ("sip administrator", routes.SIP_CARD),
    **{f"sip card, {key}": ("sip administrator", routes.SIP_CARD, _tab(*path))
       for key, path in (("services", ("Операции с услугами", "Услуги абонента")),
                         ("channels", ("SIP-телефония", "SIP-многоканальность")),
                         ("settings", ("SIP-телефония", "Параметры для настройки SIP")),
                         ("charges", ("Начисления за период",)), ("calls", ("Просмотр детализации",)))},
    "sip card, channels confirmation": ("sip administrator", routes.SIP_CARD,
                                        _tab("SIP-телефония", "SIP-многоканальность"), _channels_confirmation),
}
LEFT_OUT: dict[str, str] = {}  # route -> why it is not checked; none is


def _declared_routes() -> set[str]:
    return {value for name, value in vars(routes).items()
            if name.isupper() and isinstance(value, str) and value.startswith("/")}


def test_every_route_is_checked():
    checked = {route for _, route, *_ in PAGES.values()}
    assert _declared_routes() - checked - set(LEFT_OUT) == set()


def _signed_in(browser, cabinet, who: str, device: str):
    page = open_page(browser, cabinet, device)
    page.context.set_default_timeout(30_000)
    if who == "sip administrator":
        sign_in_sip_admin(page, cabinet)
    elif who == "fixed line":
        sign_in(page, account_number(cabinet, "fixed"), "Fixed#2026", fixed=True)
    elif who != "nobody":
        sign_in(page, *{"administrator": ADMIN, "supervisor": SUPERVISOR, "both roles": BOTH_ROLES}[who])
    return page


@pytest.fixture(scope="module")
def visitors(browser, cabinet):
    """A signed-in browser per (who, device), opened once for the module and shared by the pages it opens."""
    opened: dict = {}

    def get(who: str, device: str):
        if (who, device) not in opened:
            opened[(who, device)] = _signed_in(browser, cabinet, who, device)
        return opened[(who, device)]

    yield get
    for page in opened.values():
        page.context.close()


@pytest.fixture
def shown(visitors, browser, cabinet):
    """The page `name` as `device` shows it, with its steps done: in the shared browser of its visitor, or, when
    it has steps (they change the page's state), in a browser of its own, closed after the test."""
    own: list = []

    def show(name: str, device: str):
        who, route, *steps = PAGES[name]
        page = _signed_in(browser, cabinet, who, device) if steps else visitors(who, device)
        own.extend([page] if steps else [])
        page.goto(ADDRESSES[route](cabinet) if route in ADDRESSES else route)
        for step in steps:
            step(page, cabinet)
        expect(page.locator("main")).to_have_count(1)  # the page's main landmark, axe's `landmark-one-main`
        page.wait_for_function(_SETTLED, polling=100)  # a dialog opening is scaled up: measured once it is open
        return page

    yield show
    for page in own:
        page.context.close()


_SETTLED = """() => document.getAnimations().every(animation =>
    animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity)"""


def _axe(page) -> list[dict]:
    assert AXE.exists(), f"{AXE} is missing: `make deps` installs it"
    page.add_script_tag(content=AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in found if v["impact"] in ("critical", "serious")]


def _described(violations: list[dict]) -> str:
    return json.dumps([{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                        "nodes": [{"target": n["target"], "why": n["failureSummary"]} for n in v["nodes"][:10]]}
                       for v in violations], ensure_ascii=False, indent=1)


@pytest.mark.parametrize("device", ["desktop", "tablet"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_critical_or_serious(shown, name, device):
    page = shown(name, device)
    violations = _axe(page)
    assert not violations, f"{name} ({page.url}) at {device}:\n{_described(violations)}"


# Every visible control the finger may aim at, with its box: a control's own label counts as part of it (a tap on
# the label works the control), and so does a text input's frame (a tap in it focuses the input). Exempt, as
# WCAG 2.5.8 (Target Size, Minimum) exempts «Inline: the target is in a sentence or its size is otherwise
# constrained by the line-height of non-target text»: a link set inline beside text of its own line (a text or
# an inline element with text beside it in its parent). Nothing else is exempt: a link alone on its line is not.
_SMALL_TARGETS = """min => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
        + '[role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=combobox], [role=option], '
        + '[role=menuitem], [tabindex]:not([tabindex="-1"])';
    const isInline = node => getComputedStyle(node).display.startsWith('inline');
    const inRunningText = el => el.tagName === 'A' && isInline(el) && [...el.parentElement.childNodes].some(node =>
        node !== el && node.textContent.trim() !== ''
        && (node.nodeType === Node.TEXT_NODE || (node.nodeType === Node.ELEMENT_NODE && isInline(node))));
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
def test_every_control_is_a_tap_target_of_44_px_on_the_tablet(shown, name):
    page = shown(name, "tablet")
    small = page.evaluate(_SMALL_TARGETS, TOUCH)
    assert not small, f"{name} ({page.url}): under {TOUCH}×{TOUCH} px at 768×1024:\n" + "\n".join(small)
