"""A1–A5: the sign-in page and the password recovery page."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.components.forms import centered_card, field, link, submit
from cabinet.components.layout import TOUCH, info, refusal
from cabinet.pages.page import page
from cabinet.state.sign_in import RecoverState, SignInState

PHONE = "375291234567"


def _number_field(**props) -> rx.Component:
    """The number on «Мобильная связь»: kept as it is typed, for «Забыли пароль» and the code step."""
    return field("Номер телефона", "login", placeholder=PHONE, input_mode="numeric", autocomplete="username",
                 required=True, default_value=SignInState.login, on_change=SignInState.set_login, **props)


def _password_form(login: rx.Component) -> rx.Component:
    return rx.form(
        rx.vstack(
            login,
            field("Пароль", "password", type="password", autocomplete="current-password", required=True),
            submit("Войти", loading=SignInState.busy, disabled=~SignInState.opened),
            spacing="3",
        ),
        on_submit=SignInState.sign_in, reset_on_submit=False,
    )


def _resend() -> rx.Component:
    """«Отправить код повторно», pressable 60 s after the code was sent, counted down until then."""
    return rx.vstack(
        rx.button("Отправить код повторно", variant="soft", size="3", min_height=TOUCH, width="100%",
                  disabled=SignInState.resend_in > 0,
                  on_click=SignInState.send_code({"login": SignInState.login})),
        rx.cond(SignInState.resend_in > 0,
                rx.text("Запросить новый код можно через ", SignInState.resend_in, " с", size="2",
                        color_scheme="gray")),
        spacing="1", width="100%",
    )


def _code_step() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Код отправлен на номер ", rx.text.strong(SignInState.login), size="2"),
            rx.button("Изменить номер", variant="ghost", min_height=TOUCH, on_click=SignInState.change_number),
            align="center", justify="between", wrap="wrap", width="100%",
        ),
        rx.form(
            rx.vstack(
                field("Код из SMS", "code", input_mode="numeric", autocomplete="one-time-code", max_length=6,
                      required=True, error=SignInState.code_error),
                submit("Войти", disabled=~SignInState.opened),
                spacing="3",
            ),
            on_submit=SignInState.sign_in_with_code, reset_on_submit=True,
        ),
        _resend(),
        spacing="3", width="100%",
    )


def _code_form() -> rx.Component:
    return rx.cond(
        SignInState.code_sent,
        _code_step(),
        rx.form(
            rx.vstack(
                _number_field(),
                submit("Получить код", disabled=~SignInState.opened),
                spacing="3",
            ),
            on_submit=SignInState.send_code, reset_on_submit=False,
        ),
    )


def _mobile() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("По паролю", value="password"),
            rx.segmented_control.item("По SMS-коду", value="code"),
            value=SignInState.method, on_change=SignInState.set_method, width="100%", size="3", min_height=TOUCH,
        ),
        rx.cond(SignInState.method == "password", _password_form(_number_field()), _code_form()),
        link("Забыли пароль", SignInState.recovery_link, size="2"),
        spacing="4", width="100%",
    )


@page(routes.LOGIN, "Вход · Личный кабинет", guard=None, loads=[SignInState.open_page])
def sign_in_page() -> rx.Component:
    return centered_card(
        rx.heading("Личный кабинет", size="6", as_="h1"),
        rx.text("Корпоративные клиенты", color_scheme="gray"),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Мобильная связь", value="mobile", min_height=TOUCH),
                rx.tabs.trigger("Фиксированная связь", value="fixed", min_height=TOUCH),
            ),
            rx.tabs.content(_mobile(), value="mobile", padding_top="1em"),
            rx.tabs.content(_password_form(field("Номер лицевого счета", "login", placeholder="Номер лицевого счета",
                                                 input_mode="numeric", autocomplete="username", required=True)),
                            value="fixed", padding_top="1em"),
            value=SignInState.category, on_change=SignInState.set_category, width="100%",
        ),
        refusal(SignInState.error),
        info(SignInState.info),
        shown=SignInState.opened,
    )


@page(routes.RECOVER, "Забыли пароль · Личный кабинет", guard=None, loads=[RecoverState.open_page])
def recover_page() -> rx.Component:
    return centered_card(
        rx.heading("Забыли пароль", size="6", as_="h1"),
        rx.cond(
            RecoverState.method == "email",
            rx.form(
                rx.vstack(
                    rx.text("Временный пароль придет на адрес электронной почты, который ваша организация "
                            "указала в заявлении на подключение Личного кабинета.", size="2"),
                    field("Номер телефона", "login", placeholder=PHONE, input_mode="numeric", required=True,
                          default_value=RecoverState.login),
                    submit("Восстановить пароль"),
                    spacing="3",
                ),
                on_submit=RecoverState.recover, reset_on_submit=False,
            ),
            rx.vstack(
                rx.text("Выберите способ идентификации:"),
                rx.button("Идентификация через E-mail", size="3", width="100%", min_height=TOUCH,
                          on_click=RecoverState.choose_email),
                width="100%",
            ),
        ),
        info(RecoverState.message),
        refusal(RecoverState.error),
        link("Вернуться ко входу", routes.LOGIN, size="2"),
    )
