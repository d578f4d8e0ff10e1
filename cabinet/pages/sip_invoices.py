"""The SIP administrator's «Счета»: «Заказать счет на E-mail» (P5), «Загрузить счет по ссылке» (P6),
«Изменить способ/адрес доставки» (P7), «Детализация на E-mail» (P8), «Начисления за текущий период» (P9)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import field_error, radio
from cabinet.components.layout import TOUCH, frame, tabbed
from cabinet.components.select import select
from cabinet.components.sip_detail import sip_detail
from cabinet.components.sip_preliminary import sip_preliminary
from cabinet.pages.page import page
from cabinet.state.format import text_limit
from cabinet.state.sip_detail import SipDetailState
from cabinet.state.sip_invoices import SipInvoicesState as State
from cabinet.state.sip_preliminary import SipPreliminaryState


def _button(label: str, **props) -> rx.Component:
    return rx.button(label, size="3", min_height=TOUCH, **props)


def _month(action) -> rx.Component:
    return rx.hstack(
        select("Месяц", "month", State.months, value=State.month, on_change=State.set_month),
        _button("Далее", on_click=action),
        align="end", spacing="3", wrap="wrap",
    )


def _email() -> rx.Component:
    return rx.vstack(
        rx.text("Счет за один из двух предыдущих месяцев будет отправлен на адрес электронной почты, который ваша "
                "организация указала в заявлении на подключение личного кабинета SIP.", size="2"),
        _month(State.send),
        spacing="3", width="100%",
    )


def _link() -> rx.Component:
    return rx.vstack(
        rx.text("Выберите месяц — будет создана ссылка для загрузки счета.", size="2"),
        _month(State.make_link),
        rx.cond(State.link_url != "", rx.callout(
            # the app's links route inside the page; this one must be fetched by the browser as a file
            rx.vstack(rx.el.a(rx.icon("download"), "Скачать: ", State.link_title, href=State.link_url, download="",
                              custom_attrs={"reloadDocument": True},
                              style={"display": "inline-flex", "gap": "0.4em", "align_items": "center",
                                     "min_height": TOUCH, "color": "var(--accent-11)"}),
                      rx.text("Ссылка действительна до ", State.link_until, " и только для вас.", size="2"),
                      spacing="1"),
            icon="link", color_scheme="green")),
        spacing="3", width="100%",
    )


def _current() -> rx.Component:
    return rx.vstack(
        rx.text("Способ доставки: ", rx.text.strong(State.method_title)),
        rx.cond(State.method == "email", rx.text("Адрес доставки: ", rx.text.strong(State.emails.join(", ")))),
        _button("Изменить", variant="soft", on_click=State.change_delivery),
        spacing="2",
    )


def _delivery() -> rx.Component:
    methods = rx.radio_group.root(
        rx.vstack(radio("Получает сам", "self"), radio("E-mail", "email"), spacing="3"),
        value=State.draft_method, on_change=State.set_draft_method, size="3", aria_label="Способ доставки",
    )
    emails = rx.form(
        rx.vstack(
            rx.el.label(rx.text("Адреса электронной почты (каждый с новой строки)", size="2"),
                        rx.text_area(name="emails", default_value=State.draft_emails, rows="4", width="100%",
                                     max_length=text_limit("emails"), on_change=State.retype_emails,
                                     aria_invalid=rx.cond(State.emails_error != "", "true", "false"),
                                     aria_describedby="emails-error"),
                        field_error(State.emails_error, "emails"),
                        display="flex", flex_direction="column", gap="0.25em", width="100%"),
            rx.hstack(_button("Назад", variant="soft", type="button", on_click=State.delivery_back),
                      _button("Далее", type="submit")),
            spacing="3", width="100%",
        ),
        on_submit=State.emails_entered, reset_on_submit=False, width="100%",
    )
    review = rx.vstack(
        rx.cond(State.draft_method == "email",
                rx.text("Счета будут отправляться по электронной почте на: ",
                        rx.text.strong(State.draft_addresses.join(", "))),
                rx.text("Способ доставки — «Получает сам»: счета не будут отправляться.")),
        rx.hstack(_button("Назад", variant="soft", on_click=State.delivery_back),
                  _button("Сохранить", on_click=State.save_delivery)),
        spacing="3",
    )
    return rx.match(
        State.delivery_step,
        ("method", rx.vstack(methods, rx.hstack(_button("Назад", variant="soft", on_click=State.open_section("delivery")),
                                                _button("Далее", on_click=State.method_chosen)), spacing="3")),
        ("emails", emails),
        ("review", review),
        _current(),
    )


@page(routes.SIP_INVOICES, "Счета · Личный кабинет SIP", guard="sip",
      loads=[State.load, SipDetailState.load, SipPreliminaryState.load])
def sip_invoices_page() -> rx.Component:
    return frame(
        "Счета", State,
        tabbed(State.section, State.open_section, [
            ("Заказать счет на E-mail", "email", _email()),
            ("Загрузить счет по ссылке", "link", _link()),
            ("Изменить способ/адрес доставки", "delivery", _delivery()),
            ("Детализация на E-mail", "detail", sip_detail()),
            ("Начисления за текущий период", "preliminary", sip_preliminary()),
        ]),
    )
