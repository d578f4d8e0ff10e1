"""Sign-in pages: number or account + password, SMS code, temporary password, role choice, password change."""

from __future__ import annotations

import asyncio
import datetime as dt
import math

import reflex as rx

from cabinet import bootstrap, clock, routes
from cabinet.services import validation
from cabinet.services.auth import sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.errors import DomainError
from cabinet.state.format import Option, one, options, text_limit
from cabinet.state.page import Refusals, event
from cabinet.state.services import call
from cabinet.state.session import SessionState

PASSWORD_RULES = validation.PASSWORD_RULES  # shown under the new password's field
STEP_PAGE = {"change_password": routes.PASSWORD, "choose_role": routes.ROLE}  # what a sign-in may need first


def _back_to(state: rx.State, default: str = routes.HOME) -> str:
    """The address the page was opened to lead back to once signed in (`routes.returning`), if it is this
    site's; whether the user may see it is the guard's of that page to say."""
    return routes.local_path(state.router.url.query_parameters.get("next"), default=default)


def _next_page(state: rx.State, step: str) -> str:
    """Where a sign-in leads: the step it still needs, carrying the address to come back to, or that address."""
    return routes.returning(STEP_PAGE[step], _back_to(state)) if step in STEP_PAGE else _back_to(state)


def _address(state: rx.State) -> str:
    """The client's address, for the sign-in limits: Reflex's `client_ip` is the websocket's peer, or the hop
    that the proxies trusted by rxconfig's `trusted_proxy_hops` appended. The first X-Forwarded-For hop is not
    used: the browser writes it, and could dodge every per-address limit by changing it."""
    return state.router.session.client_ip


class SignInState(Refusals, rx.State):
    category: str = "mobile"  # mobile («Мобильная связь») | fixed («Фиксированная связь»)
    method: str = "password"  # password | code
    login: str = ""  # the number as typed on «Мобильная связь», carried to «Забыли пароль» and the code step
    code_sent: bool = False
    code_error: str = ""  # what was typed as the code cannot be one; shown under the code's field
    resend_in: int = 0  # seconds until «Отправить код повторно» may be pressed
    _resend_at: dt.datetime | None = None  # the server's time of sending + 60 s
    info: str = ""
    busy: bool = False
    opened: bool = False  # the page's load has run; its forms send only after it, so it cannot wipe what they did

    @rx.var
    def recovery_link(self) -> str:
        return routes.recovery(self.login)

    @rx.event
    def set_category(self, category: str):
        self.category, self.error, self.info, self.code_sent = one(category), "", "", False

    @rx.event
    def set_login(self, login: str):
        """The number as it is typed, so that «Забыли пароль» and the code step keep it."""
        self.login = str(login).strip()[:text_limit("login")]

    @rx.event
    def change_number(self):
        """«Изменить номер»: back from the code to the number, which stays filled in."""
        self.code_sent, self.error, self.info, self.code_error = False, "", "", ""

    async def _refused(self, refusal: DomainError):
        if isinstance(refusal, auth.CodeNotDigits):
            self.code_error = refusal.message
            return None
        return await super()._refused(refusal)

    @rx.event
    def set_method(self, method: str | list[str]):
        self.method = one(method)
        self.error, self.info, self.code_sent = "", "", False

    async def _enter(self, result: auth.SignInResult):
        session = await self.get_state(SessionState)  # which resets this state too, `opened` with it
        return await session._signed_in(result.token, _next_page(self, result.next_step))

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
        self.error, self.info, self.code_error = "", "", ""
        self.login = form.get("login", self.login)
        sent = await self._ask(auth.request_sms_code, login=self.login, gateway=bootstrap.sms_gateway(),
                               address=_address(self))
        self.info, self._resend_at, self.code_sent = sent.message, sent.resend_at, True
        return SignInState.count_down

    @rx.event(background=True)
    async def count_down(self):
        """The seconds until a new code may be asked for, counted to the server's moment of sending + 60 s."""
        async with self:
            until = self._resend_at
        while until is not None:
            left = max(0, math.ceil((until - clock.now()).total_seconds()))
            async with self:
                if self._resend_at != until:  # a newer code has its own count
                    return
                self.resend_in = left
            if left == 0:
                return
            await asyncio.sleep(min(1.0, left))

    @event
    async def sign_in_with_code(self, form: dict):
        self.error, self.code_error = "", ""
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
            return rx.redirect(_back_to(self))
        return SignInState.count_down if self.code_sent else None


class RecoverState(Refusals, rx.State):
    """«Забыли пароль» → «Идентификация через E-mail» → «Восстановить пароль»: the form stays, so that another
    request may follow within the limits, with what the last one did beside it."""

    method: str = ""  # "" until «Идентификация через E-mail» is chosen
    login: str = ""  # the number the sign-in page carried over (`routes.recovery`)
    message: str = ""

    @rx.event
    def open_page(self):
        """Every visit starts afresh, from the number the sign-in page carried."""
        carried = self.router.url.query_parameters.get("login", "")
        self.login = str(carried).strip()[:text_limit("login")]
        self.method, self.message, self.error = "", "", ""

    @rx.event
    def choose_email(self):
        self.method, self.message, self.error = "email", "", ""

    @event
    async def recover(self, form: dict):
        self.error, self.message = "", ""
        self.login = str(form.get("login", ""))[:text_limit("login")]
        self.message = await self._ask(auth.request_temporary_password, login=self.login, address=_address(self))


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
        return rx.redirect(_back_to(self, routes.SIP_HOME if view.is_sip_admin else routes.HOME))

    @event
    async def change(self, form: dict):
        if form.get("new_password") != form.get("repeat_password"):
            self.error = "Пароли не совпадают."
            return
        session = await self.get_state(SessionState)
        token = await self._ask(auth.change_password, token=session._token(), new_password=form.get("new_password", ""),
                                current_password=form.get("current_password") or None)
        return [rx.toast.success("Пароль изменен."), await session._signed_in(token, _back_to(self))]
