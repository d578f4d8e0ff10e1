"""The blocks of the subscriber card: «Услуги», «Тарифный план», «Управление номером»."""

from __future__ import annotations

import reflex as rx

from cabinet.components.forms import checkbox, field, radio
from cabinet.components.layout import TAB_STRIP, TOUCH, refusal
from cabinet.components.tariffs import tariff_choice
from cabinet.state.card import CardState
from cabinet.state.card_ops import (
    NumberChangeState,
    SimReplacementState,
    TariffChoiceState,
)
from cabinet.state.format import text_limit

FORWARDING_KINDS = [("unconditional", "Безусловная"), ("busy", "Если занято"), ("no_answer", "Если нет ответа"),
                    ("unreachable", "Если недоступен")]


def _button(label: str, **props) -> rx.Component:
    return rx.button(label, size="3", min_height=TOUCH, **props)


def services_block() -> rx.Component:
    connected = rx.foreach(CardState.connected, lambda s: rx.hstack(
        rx.vstack(rx.text(s.name), rx.text(s.category, " · ", s.fee, size="1", color_scheme="gray"),
                  spacing="0"),
        rx.spacer(),
        rx.cond(s.included, rx.badge("входит в тариф"),
                _button("Отключить", variant="soft", color_scheme="red", on_click=CardState.disconnect(s.id))),
        role="group", aria_label=s.name, width="100%", align="center"))
    available = rx.foreach(CardState.available, lambda s: rx.hstack(
        rx.vstack(rx.text(s.name), rx.text(s.category, " · ", s.fee, size="1", color_scheme="gray"),
                  rx.cond(s.reason != "", rx.text(s.reason, size="1", color_scheme="amber")), spacing="0"),
        rx.spacer(),
        _button("Подключить", disabled=s.reason != "", on_click=CardState.connect(s.id)),
        role="group", aria_label=s.name, width="100%", align="center"))
    return rx.card(
        rx.heading("Услуги", size="4", as_="h2"),
        rx.tabs.root(
            rx.tabs.list(rx.tabs.trigger("Подключенные", value="on", min_height=TOUCH),
                         rx.tabs.trigger("Доступные", value="off", min_height=TOUCH), style=TAB_STRIP),
            rx.tabs.content(rx.vstack(connected, padding_top="0.5em"), value="on"),
            rx.tabs.content(rx.vstack(available, padding_top="0.5em"), value="off"),
            default_value="on",
        ),
        width="100%",
    )


def tariff_dialog() -> rx.Component:
    return operation_dialog("tariff", "Тарифный план",
                            tariff_choice(TariffChoiceState, _button("Подключить", on_click=TariffChoiceState.connect)))


def number_block() -> rx.Component:
    return rx.card(
        rx.heading("Управление номером", size="4", as_="h2"),
        rx.foreach(CardState.forwarding, lambda f: rx.hstack(
            rx.text(f.title), rx.spacer(), rx.text(f.target, " ", f.delay), width="100%")),
        rx.flex(
            _button("Переадресация вызовов", variant="soft", on_click=CardState.open("forwarding")),
            _button("Смена номера", variant="soft", on_click=NumberChangeState.open),
            rx.cond(CardState.has_sim, _button("Замена SIM", variant="soft", on_click=SimReplacementState.open)),
            gap="0.5em", wrap="wrap", padding_top="0.5em",
        ),
        width="100%",
    )


def operation_dialog(name: str, title: str, body: rx.Component) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(title), body, refusal(CardState.error),
                          rx.dialog.close(_button("Закрыть", variant="ghost", margin_top="0.5em")),
                          max_width="560px"),
        open=CardState.dialog == name, on_open_change=CardState.close,
    )


def forwarding_dialog() -> rx.Component:
    return operation_dialog("forwarding", "Переадресация вызовов", rx.form(
        rx.vstack(
            rx.el.label(rx.text("Тип переадресации", size="2"),
                        rx.el.select(*[rx.el.option(t, value=k) for k, t in FORWARDING_KINDS], name="kind",
                                     aria_label="Тип переадресации", style={"min_height": TOUCH}),
                        display="flex", flex_direction="column"),
            field("Номер для переадресации", "target", placeholder="375291234567", input_mode="numeric"),
            rx.el.label(rx.text("Задержка (для «Если нет ответа»)", size="2"),
                        rx.el.select(rx.el.option("—", value=""),
                                     *[rx.el.option(f"{s} с", value=str(s)) for s in range(5, 35, 5)],
                                     name="delay", aria_label="Задержка", style={"min_height": TOUCH}),
                        display="flex", flex_direction="column"),
            checkbox("Отключить этот тип переадресации", rx.text("Отключить этот тип переадресации"),
                     name="switch_off"),
            _button("Сохранить", type="submit"),
            spacing="3"),
        on_submit=CardState.set_forwarding, reset_on_submit=False))


def number_dialog() -> rx.Component:
    n = NumberChangeState
    choose = rx.vstack(
        rx.el.label(rx.text("Категория номера", size="2"),
                    rx.el.select(rx.foreach(n.categories, lambda c: rx.el.option(c.label, value=c.value)),
                                 value=n.category, on_change=n.set_category,
                                 aria_label="Категория номера", style={"min_height": TOUCH}),
                    display="flex", flex_direction="column"),
        _button("Показать номера", variant="soft", on_click=n.draw, disabled=n.draws_left == 0),
        rx.text("Осталось попыток выбора номера: ", n.draws_left, size="2"),
        rx.radio_group.root(rx.vstack(rx.foreach(n.numbers, lambda number: radio(number, number))),
                            value=n.picked, on_change=n.pick, size="3"),
        _button("Выбрать номер", on_click=n.review, disabled=n.picked == ""),
        spacing="3")
    confirm = rx.vstack(
        rx.callout(rx.text("Номер ", rx.text.strong(n.old_number), " будет заменен на ", rx.text.strong(n.new_number),
                           ". Стоимость номера: ", rx.text.strong(n.price), "."),
                   icon="triangle-alert", color_scheme="amber", high_contrast=True),
        rx.text("Прежний номер перестанет работать сразу после выполнения заявки.", size="2"),
        rx.hstack(_button("Назад", variant="soft", on_click=n.back), _button("Подтвердить", on_click=n.change)),
        spacing="3")
    return operation_dialog("number", "Смена номера", rx.cond(n.confirming, confirm, choose))


def _iccid_field() -> rx.Component:
    """The new SIM's number, checked when the field is left; its error beside it until the number is right."""
    s = SimReplacementState
    return rx.el.label(
        rx.text("Номер новой SIM-карты (ICCID)", size="2", weight="medium"),
        rx.input(name="iccid", default_value=s.iccid, input_mode="numeric", list="free-sims", auto_complete="off",
                 size="3", width="100%", min_height=TOUCH, max_length=text_limit("iccid"),
                 on_blur=s.leave_field, on_change=s.edit.debounce(300),
                 aria_invalid=rx.cond(s.iccid_error != "", "true", "false"), aria_describedby="iccid-error"),
        rx.text(s.iccid_error, id="iccid-error", size="2", color_scheme="red", role="alert"),
        display="flex", flex_direction="column", gap="0.25em", width="100%",
    )


def sim_dialog() -> rx.Component:
    return operation_dialog("sim", "Замена SIM", rx.cond(
        ~CardState.self_sim,
        rx.callout("Самостоятельная замена SIM-карты для этого абонента недоступна. Обратитесь в центр "
                   "обслуживания.", icon="info", color_scheme="amber", high_contrast=True),
        rx.cond(
            SimReplacementState.confirming,
            rx.vstack(rx.text("Заменить SIM-карту ", CardState.sim, " на ", rx.text.strong(SimReplacementState.iccid),
                              "? Старая SIM-карта перестанет работать."),
                      rx.hstack(_button("Назад", variant="soft", on_click=SimReplacementState.back),
                                _button("Подтвердить", on_click=SimReplacementState.confirm))),
            rx.form(rx.vstack(
                rx.text("Введите номер новой SIM-карты из имеющихся у вас свободных SIM: ",
                        SimReplacementState.free.length(), size="2"),
                _iccid_field(),
                rx.el.datalist(rx.foreach(SimReplacementState.free, lambda i: rx.el.option(value=i)), id="free-sims"),
                _button("Далее", type="submit"), spacing="3"),
                on_submit=SimReplacementState.next_step, reset_on_submit=False))))
