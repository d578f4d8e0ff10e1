"""After sign-in: the role choice (A3) and the password change (A5, forced after a temporary password)."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import centered_card, field, link, submit
from cabinet.components.layout import TOUCH, refusal
from cabinet.pages.page import page
from cabinet.state.session import SessionState
from cabinet.state.sign_in import PASSWORD_RULES, AfterSignInState


@page(routes.ROLE, "Способ входа · Личный кабинет", guard=None, loads=[AfterSignInState.load])
def role_page() -> rx.Component:
    return centered_card(
        rx.heading("Выберите способ входа", size="6", as_="h1"),
        rx.foreach(
            AfterSignInState.roles,
            lambda role: rx.button(
                role.label, size="3", width="100%", min_height=TOUCH, on_click=AfterSignInState.choose(role.value),
            ),
        ),
        refusal(AfterSignInState.error),
        rx.button("Выйти", variant="ghost", on_click=SessionState.sign_out, min_height=TOUCH),
    )


@page(routes.PASSWORD, "Смена пароля · Личный кабинет", guard=None, loads=[AfterSignInState.load])
def password_page() -> rx.Component:
    return centered_card(
        rx.heading("Смена пароля", size="6", as_="h1"),
        rx.cond(
            AfterSignInState.must_change,
            rx.text("Вы вошли по временному паролю. Задайте постоянный пароль.", size="2"),
        ),
        rx.form(
            rx.vstack(
                rx.cond(
                    AfterSignInState.must_change,
                    rx.fragment(),
                    field("Текущий пароль", "current_password", type="password", autocomplete="current-password"),
                ),
                field("Новый пароль", "new_password", type="password", autocomplete="new-password", required=True),
                field("Повторите новый пароль", "repeat_password", type="password", autocomplete="new-password",
                      required=True),
                rx.text(PASSWORD_RULES, size="1", color_scheme="gray"),
                submit("Сохранить"),
                spacing="3",
            ),
            on_submit=AfterSignInState.change, reset_on_submit=True,
        ),
        refusal(AfterSignInState.error),
        link("На главную", routes.HOME, size="2"),
    )
