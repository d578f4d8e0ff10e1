"""The signed-in session: the token (backend only), who is signed in, the account in view, page guards."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.services.access import Actor
from cabinet.services.auth import sessions
from cabinet.services.auth.sessions import PasswordChangeRequired, RoleNotChosen
from cabinet.services.errors import DomainError, SessionExpired
from cabinet.state.services import call


class SessionState(rx.State):
    _token: str = ""
    user_name: str = ""
    organization_name: str = ""
    role: str = ""
    role_title: str = ""
    is_sip_admin: bool = False
    accounts: list[dict[str, str]] = []  # value: account id as text, label: «Мобильная связь · 1010…»
    account_id: str = ""
    notice: str = ""  # why the user was sent to the sign-in page

    @rx.var
    def can_switch_account(self) -> bool:
        return len(self.accounts) > 1

    def _show(self, view: sessions.SessionView) -> None:
        self.user_name = view.user_name
        self.organization_name = view.organization_name
        self.role = view.role or ""
        self.role_title = view.role_title
        self.is_sip_admin = view.is_sip_admin
        self.accounts = [{"value": str(a.id), "label": a.title} for a in view.accounts]
        self.account_id = str(view.account_id or "")

    def _forget(self, notice: str = "") -> None:
        self._token = ""
        self.reset()
        self.notice = notice

    async def begin(self, token: str) -> None:
        """Called by the sign-in page once a service has issued a token."""
        self._token = token
        self.notice = ""

    async def actor(self) -> Actor:
        return await call(sessions.actor_for, token=self._token)

    async def _guard(self, *, sip: bool):
        """Load the session for a page, or send the user where they must go first."""
        try:
            view = await call(sessions.view, token=self._token)
        except SessionExpired as expired:
            self._forget("" if not self._token else expired.message)
            return rx.redirect(routes.LOGIN)
        self._show(view)
        if view.must_change_password:
            return rx.redirect(routes.PASSWORD)
        if view.role is None:
            return rx.redirect(routes.ROLE)
        if view.is_sip_admin != sip:
            return rx.redirect(routes.SIP_HOME if view.is_sip_admin else routes.HOME)
        return None

    @rx.event
    async def guard_company(self):
        """on_load of every Administrator/Supervisor page."""
        return await self._guard(sip=False)

    @rx.event
    async def guard_sip(self):
        """on_load of every SIP administrator page."""
        return await self._guard(sip=True)

    @rx.event
    async def switch_account(self, account_id: str):
        try:
            view = await call(sessions.switch_account, token=self._token, account_id=int(account_id))
        except SessionExpired as expired:
            self._forget(expired.message)
            return rx.redirect(routes.LOGIN)
        except (DomainError, ValueError):
            return rx.toast.error("Этот лицевой счет вам недоступен.")
        self._show(view)
        return rx.call_script("window.location.reload()")

    @rx.event
    async def sign_out(self):
        await call(sessions.sign_out, token=self._token)
        self._forget("Вы вышли из Личного кабинета.")
        return rx.redirect(routes.LOGIN)

    async def handle(self, error: DomainError):
        """What a page does with a refusal that is about the session rather than the page."""
        if isinstance(error, SessionExpired):
            self._forget(error.message)
            return rx.redirect(routes.LOGIN)
        if isinstance(error, PasswordChangeRequired):
            return rx.redirect(routes.PASSWORD)
        if isinstance(error, RoleNotChosen):
            return rx.redirect(routes.ROLE)
        return rx.toast.error(error.message)
