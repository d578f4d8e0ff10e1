"""Sign-in pages: number or account + password, SMS code, temporary password, role choice, password change."""

from __future__ import annotations

import reflex as rx

from cabinet import bootstrap, routes
from cabinet.services import validation
from cabinet.services.auth import sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.errors import DomainError
from cabinet.state.services import call
from cabinet.state.session import SessionState

PASSWORD_RULES = validation.PASSWORD_RULES  # shown under the new password's field
NEXT_PAGE = {"change_password": routes.PASSWORD, "choose_role": routes.ROLE, "home": routes.HOME}


class SignInState(rx.State):
    category: str = "mobile"  # mobile («Мобильная связь») | fixed («Фиксированная связь»)
    method: str = "password"  # password | code
    login: str = ""
    code_sent: bool = False
    error: str = ""
    info: str = ""
    busy: bool = False

    @rx.event
    def set_category(self, category: str):
        self.category, self.error, self.info, self.code_sent = category, "", "", False

    @rx.event
    def set_method(self, method: str | list[str]):
        self.method = method if isinstance(method, str) else method[0]
        self.error, self.info, self.code_sent = "", "", False

    async def _enter(self, result: auth.SignInResult):
        session = await self.get_state(SessionState)
        await session.begin(result.token)
        return rx.redirect(NEXT_PAGE[result.next_step])

    @rx.event
    async def sign_in(self, form: dict):
        self.error, self.busy = "", True
        yield
        kind = "account" if self.category == "fixed" else "phone"
        self.login = form.get("login", "")
        try:
            result = await call(auth.sign_in_with_password, login_kind=kind, login=self.login,
                                password=form.get("password", ""))
        except DomainError as refusal:
            self.error, self.busy = refusal.message, False
            return
        self.busy = False
        yield await self._enter(result)

    @rx.event
    async def send_code(self, form: dict):
        self.error, self.info = "", ""
        self.login = form.get("login", self.login)
        try:
            self.info = await call(auth.request_sms_code, login=self.login, gateway=bootstrap.sms_gateway())
            self.code_sent = True
        except DomainError as refusal:
            self.error = refusal.message

    @rx.event
    async def sign_in_with_code(self, form: dict):
        self.error = ""
        try:
            result = await call(auth.sign_in_with_code, login=self.login, code=form.get("code", ""))
        except DomainError as refusal:
            self.error = refusal.message
            return
        return await self._enter(result)

    @rx.event
    async def open_page(self):
        session = await self.get_state(SessionState)
        self.error, self.busy = session.notice, False


class RecoverState(rx.State):
    """«Забыли пароль» → «Идентификация через E-mail» → «Восстановить пароль»."""

    method: str = ""  # "" until «Идентификация через E-mail» is chosen
    sent: bool = False
    message: str = ""
    error: str = ""

    @rx.event
    def choose_email(self):
        self.method, self.sent, self.message, self.error = "email", False, "", ""

    @rx.event
    async def recover(self, form: dict):
        self.error = ""
        try:
            self.message = await call(auth.request_temporary_password, login=form.get("login", ""))
            self.sent = True
        except DomainError as refusal:
            self.error = refusal.message


class AfterSignInState(rx.State):
    """The two steps a sign-in may need before the cabinet: the role choice and the password change."""

    roles: list[dict[str, str]] = []  # value: the role, label: «Администратор»
    must_change: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        session = await self.get_state(SessionState)
        try:
            view = await call(sessions.view, token=session._token)
        except DomainError as refusal:
            return await session.handle(refusal)
        self.roles = [{"value": role, "label": title} for role, title in view.roles]
        self.must_change, self.error = view.must_change_password, ""

    @rx.event
    async def choose(self, role: str):
        session = await self.get_state(SessionState)
        try:
            view = await call(sessions.choose_role, token=session._token, role=role)
        except DomainError as refusal:
            self.error = refusal.message
            return
        return rx.redirect(routes.SIP_HOME if view.is_sip_admin else routes.HOME)

    @rx.event
    async def change(self, form: dict):
        if form.get("new_password") != form.get("repeat_password"):
            self.error = "Пароли не совпадают."
            return
        session = await self.get_state(SessionState)
        try:
            token = await call(auth.change_password, token=session._token, new_password=form.get("new_password", ""),
                               current_password=form.get("current_password") or None)
        except DomainError as refusal:
            self.error = refusal.message
            return
        await session.begin(token)
        return [rx.toast.success("Пароль изменен."), rx.redirect(routes.HOME)]
