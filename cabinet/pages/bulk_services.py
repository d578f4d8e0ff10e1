"""«Операции со списком абонентов» → «Услуги» (B1) and «Изменение тарифа» (B2)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.layout import TOUCH, frame
from cabinet.components.picker import chosen_numbers, subscriber_picker
from cabinet.components.select import select
from cabinet.components.tariffs import tariff_choice
from cabinet.components.wizard import BULK_TITLE, confirmation, ordered, sections, stepper
from cabinet.pages.page import page
from cabinet.state.bulk_services import BulkServicesState
from cabinet.state.bulk_tariff import BulkTariffState

STEPS = ["Параметры и абоненты", "Подтверждение", "Заявка"]


def _wizard(state, section: str, choose: rx.Component, question: rx.Component) -> rx.Component:
    return frame(
        "Операции со списком абонентов", state,
        rx.vstack(
            stepper(state.step, STEPS),
            rx.match(
                state.step,
                (1, rx.vstack(choose, rx.heading("Абоненты", size="4", as_="h2"), subscriber_picker(),
                              rx.button("Продолжить", size="3", min_height=TOUCH, on_click=state.review),
                              width="100%", spacing="3")),
                (2, confirmation(question, state.back, state.confirm)),
                ordered(state),
            ),
            spacing="4", width="100%",
        ),
        above=(rx.box(sections(section), padding_bottom="1em"),),
        done=False,  # the last step says it
    )


def _service_fields() -> rx.Component:
    s = BulkServicesState
    return rx.flex(
        select("Категория услуги", "category", s.categories, value=s.category, on_change=s.set_category),
        select("Услуга", "service", s.shown, value=s.service_id, empty="Выберите услугу",
               on_change=s.set_service),
        rx.vstack(
            rx.text("Действие", size="2"),
            rx.segmented_control.root(
                rx.segmented_control.item("Подключить", value="connect"),
                rx.segmented_control.item("Отключить", value="disconnect"),
                value=s.action, on_change=s.set_action, size="3", min_height=TOUCH,
            ),
            spacing="1",
        ),
        gap="1em", wrap="wrap", align="end",
    )


@page(routes.BULK, f"Услуги · {BULK_TITLE}", loads=[BulkServicesState.load])
def bulk_services_page() -> rx.Component:
    s = BulkServicesState
    question = rx.vstack(rx.text(rx.cond(s.action == "connect", "Подключить", "Отключить"), " услугу «",
                                 s.service_name, "» выбранным абонентам: ", s.count, "?"), chosen_numbers(), spacing="1")
    return _wizard(s, routes.BULK, _service_fields(), question)


@page(routes.BULK_TARIFF, f"Изменение тарифа · {BULK_TITLE}", loads=[BulkTariffState.load])
def bulk_tariff_page() -> rx.Component:
    t = BulkTariffState
    choose = rx.vstack(rx.heading("Тарифный план", size="4", as_="h2"), tariff_choice(t), width="100%")
    question = rx.vstack(rx.text("Перевести выбранных абонентов (", t.count, ") на тарифный план «", t.tariff_name,
                                 "»? Выбранные услуги: ", t.services.length(), "."), chosen_numbers(), spacing="1")
    return _wizard(t, routes.BULK_TARIFF, choose, question)
