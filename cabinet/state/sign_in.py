"""Sign-in pages: number or account + password, SMS code, temporary password, role choice, password change."""

from __future__ import annotations

import reflex as rx

from cabinet import bootstrap, routes
from cabinet.services import validation
from cabinet.services.auth import sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.errors import DomainError
from cabinet.state.format import Option, one, options
from cabinet.state.page import Refusals, event
from cabinet.state.services import call
from cabinet.state.session import SessionState

PASSWORD_RULES = validation.PASSWORD_RULES  # shown under the new password's field
NEXT_PAGE = {"change_password": routes.PASSWORD, "choose_role": routes.ROLE, "home": routes.HOME}


def _address(state: rx.State) -> str:
    """The client's address, for the sign-in limits: Reflex's `client_ip` is the websocket's peer, or the hop
    that the proxies trusted by rxconfig's `trusted_proxy_hops` appended. The first X-Forwarded-For hop is not
    used: the browser writes it, and could dodge every per-address limit by changing it."""
    return state.router.session.client_ip


class SignInState(Refusals, rx.State):
    category: str = "mobile"  # mobile («Мобильная связь») | fixed («Фиксированная связь»)
    method: str = "password"  # password | code
    login: str = ""
    code_sent: bool = False
    info: str = ""
    busy: bool = False
    opened: bool = False  # the page's load has run; its forms send only after it, so it cannot wipe what they did

    @rx.event
    def set_category(self, category: str):
        self.category, self.error, self.info, self.code_sent = one(category), "", "", False

    @rx.event
    def set_method(self, method: str | list[str]):
        self.method = one(method)
        self.error, self.info, self.code_sent = "", "", False

    async def _enter(self, result: auth.SignInResult):
        session = await self.get_state(SessionState)
        self.opened = False  # until the sign-in page is opened again
        return await session._signed_in(result.token, NEXT_PAGE[result.next_step])

    @event
    async def sign_in(self, form: dict):
        self.error, self.busy = "", True
        yield
        kind = "account" if self.category == "fixed" else "phone"
        self.login = form.get("login", "")
        try:
            result = await self._ask(auth.sign_in_with_password, login_kind=kind, login=self.login,
                                     password=form.get("password", ""), address=_address(self))
        finally:
            self.busy = False
        yield await self._enter(result)

    @event
    async def send_code(self, form: dict):
        self.error, self.info = "", ""
        self.login = form.get("login", self.login)
        self.info = await self._ask(auth.request_sms_code, login=self.login, gateway=bootstrap.sms_gateway(),
                                    address=_address(self))
        self.code_sent = True

    @event
    async def sign_in_with_code(self, form: dict):
        self.error = ""
        result = await self._ask(auth.sign_in_with_code, login=self.login, code=form.get("code", ""),
                                 address=_address(self))
        return await self._enter(result)

    @rx.event
    async def open_page(self):
        """The sign-in page; a browser still signed in (in another tab, say) goes on to the cabinet instead."""
        session = await self.get_state(SessionState)
        self.error, self.busy, self.opened = session.notice, False, True
        if session._token():
            try:
                await call(sessions.view, token=session._token())
            except DomainError:  # the cookie's session has ended: sign in anew
                return None
            return rx.redirect(routes.HOME)
        return None


class RecoverState(Refusals, rx.State):
    """«Забыли пароль» → «Идентификация через E-mail» → «Восстановить пароль»."""

    method: str = ""  # "" until «Идентификация через E-mail» is chosen
    sent: bool = False
    message: str = ""

    @rx.event
    def choose_email(self):
        self.method, self.sent, self.message, self.error = "email", False, "", ""

    @event
    async def recover(self, form: dict):
        self.error = ""
        self.message = await self._ask(auth.request_temporary_password, login=form.get("login", ""),
                                       address=_address(self))
        self.sent = True


class AfterSignInState(Refusals, rx.State):
    """The two steps a sign-in may need before the cabinet: the role choice and the password change."""

    roles: list[Option] = []  # value: the role, label: «Администратор»
    must_change: bool = False

    @event
    async def load(self):
        session = await self.get_state(SessionState)
        try:
            view = await call(sessions.view, token=session._token())
        except DomainError as refusal:
            return await session._handle(refusal)
        self.roles = options(view.roles)
        self.must_change, self.error = view.must_change_password, ""

    @event
    async def choose(self, role: str):
        session = await self.get_state(SessionState)
        view = await self._ask(sessions.choose_role, token=session._token(), role=role)
        return rx.redirect(routes.SIP_HOME if view.is_sip_admin else routes.HOME)

    @event
    async def change(self, form: dict):
        if form.get("new_password") != form.get("repeat_password"):
            self.error = "Пароли не совпадают."
            return
        session = await self.get_state(SessionState)
        token = await self._ask(auth.change_password, token=session._token(), new_password=form.get("new_password", ""),
                                current_password=form.get("current_password") or None)
        return [rx.toast.success("Пароль изменен."), await session._signed_in(token, routes.HOME)]
