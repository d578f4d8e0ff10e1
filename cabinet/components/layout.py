"""The shell: role-aware navigation (a sidebar on desktop, a menu on a tablet), the header, the account switcher."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.state.session import SessionState

TOUCH = "44px"  # the smallest touch target

COMPANY_NAV = [
    ("Главная", routes.HOME, "house"),
    ("Финансы", None, None),
    ("Счета", routes.INVOICES, "file-text"),
    ("Платежи", routes.PAYMENTS, "wallet"),
    ("Детализация на Email", routes.CALL_DETAIL, "mail"),
    ("Акт сверки", routes.RECONCILIATION, "scale"),
    ("Управление абонентами", None, None),
    ("Абоненты", routes.SUBSCRIBERS, "users"),
    ("Операции со списком абонентов", routes.BULK, "list-checks"),
    ("История заявок", routes.HISTORY, "history"),
]

SIP_NAV = [
    ("Управление лицевым счетом SIP", None, None),
    ("Персональная информация", routes.SIP_HOME, "id-card"),
    ("Платежи", routes.SIP_PAYMENTS, "wallet"),
    ("Счета", routes.SIP_INVOICES, "file-text"),
    ("Управление абонентами SIP", None, None),
    ("Выбор SIP-абонента", routes.SIP_SUBSCRIBERS, "phone"),
]


class MenuState(rx.State):
    open: bool = False

    @rx.event
    def toggle(self):
        self.open = not self.open

    @rx.event
    def close(self):
        self.open = False


def _nav_items(items) -> rx.Component:
    children = []
    for title, href, icon in items:
        if href is None:
            children.append(rx.text(title, size="1", weight="bold", color_scheme="gray", padding_top="0.75em",
                                    text_transform="uppercase"))
            continue
        children.append(
            rx.link(
                rx.hstack(rx.icon(icon, size=18), rx.text(title), align="center", spacing="2",
                          min_height=TOUCH, padding_x="0.5em", border_radius="6px",
                          _hover={"background": rx.color("accent", 3)}),
                href=href, underline="none", color=rx.color("gray", 12), on_click=MenuState.close,
            )
        )
    return rx.vstack(*children, spacing="1", width="100%", as_="nav", aria_label="Разделы")


def navigation() -> rx.Component:
    """The sections of the signed-in role's own cabinet; none until the session is loaded, so that neither cabinet
    ever shows the other's."""
    return rx.cond(SessionState.role == "", rx.fragment(),
                   rx.cond(SessionState.is_sip_admin, _nav_items(SIP_NAV), _nav_items(COMPANY_NAV)))


def account_switcher() -> rx.Component:
    """The Supervisor's choice among the company's mobile and fixed accounts."""
    return rx.cond(
        SessionState.can_switch_account,
        rx.el.select(
            rx.foreach(SessionState.accounts, lambda a: rx.el.option(a.label, value=a.value)),
            value=SessionState.account_id,
            on_change=SessionState.switch_account,
            aria_label="Лицевой счет",
            style={"min_height": TOUCH, "padding": "0 0.5em", "border_radius": "6px", "max_width": "100%",
                   "border": "1px solid var(--gray-7)", "background": "var(--color-panel-solid)"},
        ),
        rx.cond(
            SessionState.accounts.length() > 0,
            rx.text(SessionState.accounts[0].label, size="2", color_scheme="gray"),
        ),
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.button(rx.icon("menu"), "Меню", variant="soft", on_click=MenuState.toggle, min_height=TOUCH,
                  display=["flex", "flex", "flex", "none"], aria_label="Меню"),
        rx.vstack(
            rx.text(SessionState.organization_name, weight="bold"),
            rx.text(SessionState.role_title,
                    rx.cond(SessionState.user_name == SessionState.role_title, "", " · " + SessionState.user_name),
                    size="2", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        account_switcher(),
        rx.button(rx.icon("log-out"), "Выйти", variant="outline", on_click=SessionState.sign_out, min_height=TOUCH),
        align="center", width="100%", padding="0.75em 1em", wrap="wrap", spacing="3",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def ready(shown=None) -> rx.Var:
    """The `data-ready` of a page's root element, which the browser tests wait for before they act: the address
    (path) of the page once it is hydrated — Reflex sets `is_hydrated` after the page's on_load has run — and shows
    what its load found (`shown`, a Var; none for a page whose load shows nothing of its own); "" until then.
    The address is the one the backend last loaded: just after a route change the browser still holds the flags
    of the page it left (and a page seen before, its old `loaded`), and then names the page it left."""
    done = rx.State.is_hydrated if shown is None else rx.State.is_hydrated & shown
    return rx.cond(done, rx.State.router.url.path, "")


def shell(title: str, *content: rx.Component, shown=None) -> rx.Component:
    """A signed-in page: navigation, header, the page's title and content; `shown` as for `ready`."""
    return rx.flex(
        rx.box(
            rx.heading("Личный кабинет", size="4", padding_bottom="0.5em", as_="p"),
            navigation(),
            width="280px", min_width="280px", padding="1em", min_height="100vh",
            border_right=f"1px solid {rx.color('gray', 5)}", background=rx.color("gray", 2),
            display=["none", "none", "none", "block"],
        ),
        rx.box(
            header(),
            rx.cond(MenuState.open, rx.box(navigation(), padding="1em", background=rx.color("gray", 2),
                                           border_bottom=f"1px solid {rx.color('gray', 5)}")),
            rx.el.main(rx.heading(title, size="6", padding_bottom="0.75em", as_="h1"), *content,
                       style={"padding": "1.25em", "max_width": "1200px"}),
            flex="1", min_width="0",
        ),
        width="100%", data_ready=ready(shown),
    )


def frame(title: str, state, *content: rx.Component, above: tuple = (), done: bool = True) -> rx.Component:
    """What every signed-in page repeats, written once: the shell with the page's heading, what stands above the
    content (a link back, the filters), the page's refusal, the content once loaded (a spinner before, none after a
    refusal), and what the last action did (`done=False` when the page shows it in its own place); the page is ready
    (`ready`) once its load has shown the content or a refusal. `state` mixes in `state.page.PageState`."""
    return shell(
        title, *above, refusal(state.error),
        rx.cond(state.loaded, rx.fragment(*content),
                rx.cond(state.error == "", rx.hstack(rx.spinner(size="3"), rx.text("Загрузка…")))),
        *([info(state.done)] if done else []),
        shown=state.loaded | (state.error != ""),
    )


# A tab strip that wraps onto more rows where it does not fit: Radix's own scrolls sideways, without a sign, and
# hides the last tabs; arrows still move between the tabs, the open one keeps its underline.
TAB_STRIP = {"flex_wrap": "wrap", "overflow_x": "visible", "row_gap": "0.25em"}


def tabbed(value, on_change, tabs: list[tuple], label: str = "Разделы страницы") -> rx.Component:
    """A page's sections as tabs: each (title, key, content), or (title, key, content, shown) for a tab shown only
    while the Var `shown` is true; `value` is the open one's key, `label` names the strip for a screen reader; the
    strip wraps (TAB_STRIP)."""

    def trigger(tab):
        title, key, *_ = tab
        found = rx.tabs.trigger(title, value=key, min_height=TOUCH)
        return rx.cond(tab[3], found) if len(tab) > 3 else found

    return rx.tabs.root(
        rx.tabs.list(*[trigger(tab) for tab in tabs], aria_label=label,
                     style=TAB_STRIP),
        *[rx.tabs.content(content, value=key, padding_top="1em") for _, key, content, *_ in tabs],
        value=value, on_change=on_change, width="100%",
    )


def refusal(message) -> rx.Component:
    """A refusal or error shown where the user is looking, in words they read."""
    return rx.cond(message != "", rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert"))


def info(message) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="info", color_scheme="blue", role="status"))
