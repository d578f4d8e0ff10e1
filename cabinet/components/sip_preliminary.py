"""«Начисления за текущий период» of the SIP administrator's «Счета» (P9)."""

from __future__ import annotations

import reflex as rx

from cabinet.components.forms import radio
from cabinet.components.layout import TOUCH, info, refusal
from cabinet.state.format import text_limit
from cabinet.state.sip_preliminary import SipPreliminaryState as State


def sip_preliminary() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Предварительный счет за текущий месяц будет отправлен на адрес электронной почты, который ваша "
                    "организация указала в заявлении на подключение личного кабинета SIP.", size="2"),
            rx.radio_group.root(
                rx.vstack(radio("Лицевой счет", "account"),
                          radio("Ввести свой список абонентов", "list"),
                          spacing="3"),
                value=State.scope, on_change=State.set_scope, size="3", aria_label="Счет по",
            ),
            rx.cond(State.scope == "list", rx.el.label(
                rx.text("Номера абонентов (через пробел, запятую или с новой строки)", size="2"),
                rx.text_area(name="numbers", rows="4", width="100%", max_length=text_limit("numbers")),
                width="100%")),
            rx.button("Далее", type="submit", size="3", min_height=TOUCH),
            refusal(State.error),
            info(State.done),
            spacing="3", width="100%",
        ),
        on_submit=State.order, reset_on_submit=False, width="100%",
    )
