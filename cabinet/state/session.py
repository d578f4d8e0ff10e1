"""The signed-in session: the token (backend only), who is signed in, the account in view, page guards."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from urllib.parse import urlencode

import reflex as rx

from cabinet import routes, session_cookie
from cabinet.services.auth import sessions
from cabinet.services.auth.sessions import PasswordChangeRequired, RoleNotChosen
from cabinet.services.errors import DomainError, SessionExpired
from cabinet.state.format import Option, options
from cabinet.state.services import call


@dataclass(frozen=True)
class Entry:
    """How a signed-in page is entered: whose page it is, and the loads that show it once the guard lets in."""

    sip: bool  # the SIP administrator's page, or the Administrator's and Supervisor's
    loads: tuple = ()  # event handlers of the page's states


NOT_FOR_SIP_ADMIN = ("Этот раздел — в Личном кабинете Администратора и Супервайзера компании. Вы вошли как "
                     "администратор SIP: открыт Личный кабинет SIP.")
ONLY_FOR_SIP_ADMIN = "Этот раздел — в Личном кабинете SIP, он доступен только администратору SIP. Открыта главная."

ENTRIES: dict[str, Entry] = {}  # route -> its entry, declared once per page (cabinet.pages.page)


def entry(route: str, *, sip: bool, loads=()):
    """Declare how the page at `route` is entered; returns its on_load: the guard, which then runs `loads`."""
    ENTRIES[route] = Entry(sip=sip, loads=tuple(loads))
    return SessionState.enter(route)


def _navigate(path: str):
    """A real page load (not the router's): the backend's cookie routes answer it, and the new websocket carries
    the cookie they set."""
    return rx.call_script(f"window.location.replace({json.dumps(path)})")


def cabinet_states(parent: type[rx.State]):
    """The cabinet's own states under `parent`, every one of them (Reflex's internal states are left alone)."""
    for state in parent.get_substates():
        if state.__module__.startswith("cabinet."):
            yield state
        yield from cabinet_states(state)


class SessionState(rx.State):
    """The session's token is not here: it is the browser's HttpOnly cookie, read from the websocket's handshake
    on every event, so every tab of the browser is signed in and a backend restart loses nothing."""

    user_name: str = ""
    organization_name: str = ""
    role: str = ""
    role_title: str = ""
    is_sip_admin: bool = False
    accounts: list[Option] = []  # value: account id as text, label: «Мобильная связь · 1010…»
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
        self.accounts = options((a.id, a.title) for a in view.accounts)
        self.account_id = str(view.account_id or "")

    def _token(self) -> str:
        return session_cookie.token_in(self.router.headers.cookie)

    def _here(self) -> str:
        """The address this tab shows (path and query), to come back to after a new sign-in."""
        url = self.router.url
        return f"{url.path}?{url.query}" if url.query else url.path

    async def _reset_tab(self) -> None:
        """Every state of this tab back to its defaults, loaded or not: nothing the last user searched, typed,
        uploaded or chose stays for the next one."""
        for state in cabinet_states(rx.State):
            (await self.get_state(state)).reset()

    async def _forget(self, notice: str = "", *, back_to: str = ""):
        """Everything of the session off this tab; returns the load of the sign-in page (a real one: the cookie
        may have changed since this tab's websocket opened), which leads back to `back_to` once signed in."""
        await self._reset_tab()
        self.notice = notice
        return _navigate(routes.returning(routes.LOGIN, back_to))

    async def _signed_in(self, token: str, then: str):
        """Called by the sign-in pages once a service has issued a token: the browser fetches its cookie by a
        ticket, then opens `then`; the tab starts afresh for whoever signed in."""
        ticket = await call(sessions.handover, token=token)
        await self._reset_tab()
        return _navigate(f"{session_cookie.ADOPT_PATH}?{urlencode({'ticket': ticket, 'next': then})}")

    async def _guard(self, *, sip: bool):
        """Load the session for a page, or send the user where they must go first."""
        token = self._token()
        try:
            view = await call(sessions.view, token=token)
        except SessionExpired as expired:  # a link opened signed out leads back to itself after the sign-in
            return await self._forget(expired.message if token else "", back_to=self._here())
        self._show(view)
        if view.must_change_password:
            return rx.redirect(routes.returning(routes.PASSWORD, self._here()))
        if view.role is None:
            return rx.redirect(routes.returning(routes.ROLE, self._here()))
        if view.is_sip_admin != sip:
            return [rx.redirect(routes.SIP_HOME if view.is_sip_admin else routes.HOME),
                    rx.toast.info(NOT_FOR_SIP_ADMIN if view.is_sip_admin else ONLY_FOR_SIP_ADMIN)]
        return None

    @rx.event
    async def enter(self, route: str):
        """on_load of every signed-in page: the session checked once for the page, then the page's own loads (or
        the redirect where the user must go first)."""
        found = ENTRIES.get(route)
        if found is None:
            return None
        redirect = await self._guard(sip=found.sip)
        if redirect is not None:
            return redirect
        events = []  # the loads run here, in this one event, in order: nothing the user does comes between
        for load in found.loads:
            shown = load.fn(await self.get_state(load.state))
            shown = await shown if inspect.isawaitable(shown) else shown
            events.extend(shown if isinstance(shown, list) else [] if shown is None else [shown])
        return events

    @rx.event
    async def switch_account(self, account_id: str):
        try:
            view = await call(sessions.switch_account, token=self._token(), account_id=int(account_id))
        except SessionExpired as expired:
            return await self._forget(expired.message, back_to=self._here())
        except (DomainError, ValueError):
            return rx.toast.error("Этот лицевой счет вам недоступен.")
        self._show(view)
        return rx.call_script("window.location.reload()")

    @rx.event
    async def sign_out(self):
        await call(sessions.sign_out, token=self._token())
        await self._forget("Вы вышли из Личного кабинета.")
        return _navigate(f"{session_cookie.END_PATH}?{urlencode({'next': routes.LOGIN})}")

    async def _handle(self, error: DomainError):
        """What a page does with a refusal that is about the session rather than the page."""
        if isinstance(error, SessionExpired):
            return await self._forget(error.message, back_to=self._here())
        if isinstance(error, PasswordChangeRequired):
            return rx.redirect(routes.PASSWORD)
        if isinstance(error, RoleNotChosen):
            return rx.redirect(routes.ROLE)
        return rx.toast.error(error.message)
