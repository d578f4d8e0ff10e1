"""What every company page state shares: the session, the account in view, refusals shown in place."""

from __future__ import annotations

import uuid

import reflex as rx

from cabinet.services.access import Actor
from cabinet.services.auth.sessions import PasswordChangeRequired, RoleNotChosen
from cabinet.services.errors import DomainError, SessionExpired
from cabinet.state.services import call
from cabinet.state.session import SessionState

SESSION_REFUSALS = (SessionExpired, PasswordChangeRequired, RoleNotChosen)


class CompanyPage(rx.State, mixin=True):
    """Mixed into each Administrator's and Supervisor's page state: every page gets its own copy of these vars."""

    error: str = ""
    done: str = ""  # what the last action did, in words
    loaded: bool = False

    async def _session(self) -> SessionState:
        return await self.get_state(SessionState)

    async def _enter(self):
        """on_load: the guard; returns a redirect or None."""
        self.error, self.done, self.loaded = "", "", False
        return await self._guard(await self._session())

    async def _guard(self, session: SessionState):
        return await session.guard_company()

    async def _call(self, service, *, on_account: bool = True, **kwargs):
        """Call a service as the signed-in actor, on the account in view unless the service names its object
        itself (a subscriber, a request); refusals are raised."""
        session = await self._session()
        actor: Actor = await session.actor()
        if on_account:
            kwargs["account_id"] = int(session.account_id)
        return await call(service, actor=actor, **kwargs)

    async def _run(self, service, **kwargs):
        """Like _call, with refusals shown in place: returns (result, None), or (None, the event to return)."""
        try:
            return await self._call(service, **kwargs), None
        except SESSION_REFUSALS as refusal:
            return None, await (await self._session()).handle(refusal)
        except DomainError as refusal:
            self.error = refusal.message
            return None, None

    def _id_from_address(self) -> int:
        """The object a page is opened for, `?id=N`; 0 when absent or not a number (the service then refuses)."""
        value = self.router.url.query_parameters.get("id", "0")
        return int(value) if value.isdigit() else 0

    @staticmethod
    def _new_key() -> str:
        """An idempotency key for a draft: a double click or a repeated confirm makes one request."""
        return uuid.uuid4().hex


class SipPage(CompanyPage, mixin=True):
    """Mixed into each SIP administrator's page state: the same, behind the SIP administrator's guard; the account
    in view is the SIP account the session was opened for."""

    async def _guard(self, session: SessionState):
        return await session.guard_sip()
