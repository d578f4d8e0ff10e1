"""What every signed-in page state shares: the account in view, services run as the signed-in actor, refusals
shown in place and ending the handler, one page of rows, a request followed until the worker is done."""

from __future__ import annotations

import asyncio
import functools
import inspect
import uuid
from collections.abc import Awaitable, Callable

import reflex as rx

from cabinet.services.auth.sessions import PasswordChangeRequired, RoleNotChosen
from cabinet.services.errors import AccessDenied, Busy, DomainError, SessionExpired
from cabinet.services.paging import Page
from cabinet.state.services import call, call_as
from cabinet.state.session import SessionState

SESSION_REFUSALS = (SessionExpired, PasswordChangeRequired, RoleNotChosen)


class Stopped(Exception):
    """A refusal already shown where the user looks (`error`) or turned into the session's redirect: the handler
    stops here and returns `event`."""

    def __init__(self, event=None):
        super().__init__()
        self.event = event


def event(fn=None, /, **options):
    """`rx.event` for a handler that runs services: a refusal (`Stopped`, raised by `_run`) ends the handler with
    the event it carries. The handler keeps its name, signature and annotations (Reflex reads them) and may be a
    coroutine or an async generator; `options` go to `rx.event` (e.g. `background=True`)."""

    def decorate(fn):
        if inspect.isasyncgenfunction(fn):
            @functools.wraps(fn)
            async def handler(*args, **kwargs):
                try:
                    async for update in fn(*args, **kwargs):
                        yield update
                except Stopped as stopped:
                    if stopped.event is not None:
                        yield stopped.event
        elif inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def handler(*args, **kwargs):
                try:
                    return await fn(*args, **kwargs)
                except Stopped as stopped:
                    return stopped.event
        else:
            raise TypeError(f"{fn.__qualname__}: a handler that runs services is async")
        return rx.event(handler, **options)

    return decorate if fn is None else decorate(fn)


class Refusals(rx.State, mixin=True):
    """A state that shows refusals in its own `error`: `_ask` runs a service that needs no signed-in actor."""

    error: str = ""

    async def _refused(self, refusal: DomainError):
        """Show a refusal in place; the session's own refusals become its redirect. Returns the event to send."""
        self.error = refusal.message
        return None

    async def _ask(self, service, **kwargs):
        """Run a service (no actor); a refusal is shown and stops the handler."""
        try:
            return await call(service, **kwargs)
        except DomainError as refusal:
            raise Stopped(await self._refused(refusal)) from None


class PageState(Refusals, mixin=True):
    """Mixed into each signed-in page's state: every page gets its own copy of these vars. The page's guard is
    declared with the page (`SessionState.enter`), so a `load` only shows the page."""

    done: str = ""  # what the last action did, in words
    loaded: bool = False
    # The page's load has begun in this browser: until then its fields still take the values of the state as it is
    # hydrated, which would mix into what the user typed; forms that keep state in their fields wait for it.
    opened: bool = False

    def _begin(self) -> None:
        """The start of a page's load: nothing shown yet."""
        self.error, self.done, self.loaded, self.opened = "", "", False, True

    async def _session(self) -> SessionState:
        return await self.get_state(SessionState)

    async def _refused(self, refusal: DomainError):
        if isinstance(refusal, SESSION_REFUSALS):
            return await (await self._session())._handle(refusal)
        return await super()._refused(refusal)

    async def _call(self, service, *, on_account: bool = True, **kwargs):
        """Call a service as the signed-in actor, on the account in view unless the service names its object
        itself (a subscriber, a request); one unit of work; refusals are raised."""
        session = await self._session()
        if on_account:
            kwargs["account_id"] = int(session.account_id or 0)
        return await call_as(session._token(), service, **kwargs)

    async def _run(self, service, **kwargs):
        """Like _call, with a refusal shown in place and the handler stopped (see `event`)."""
        try:
            return await self._call(service, **kwargs)
        except DomainError as refusal:
            raise Stopped(await self._refused(refusal)) from None

    async def _checked(self, service, **kwargs):
        """(what the service returns, "") or (None, its refusal) to show beside the field; a refusal of the session
        or of access stops the handler as `_run` does."""
        try:
            return await self._call(service, **kwargs), ""
        except (*SESSION_REFUSALS, AccessDenied) as refusal:
            raise Stopped(await self._refused(refusal)) from None
        except DomainError as refusal:
            return None, refusal.message

    def _id_from_address(self) -> int:
        """The object a page is opened for, `?id=N`; 0 when absent or not a number (the service then refuses)."""
        value = self.router.url.query_parameters.get("id", "0")
        return int(value) if value.isdigit() else 0

    @staticmethod
    def _new_key() -> str:
        """An idempotency key for a draft: a double click or a repeated confirm makes one request."""
        return uuid.uuid4().hex


class Paged(rx.State, mixin=True):
    """One page of rows out of many: the state's own `_fetch` asks its service for `page` and shows it with
    `_paged`; `go` turns the page, kept within the pages there are."""

    page: int = 1
    pages: int = 1
    total: int = 0

    def _paged(self, found: Page) -> list:
        """Remember the page's counts; returns its rows to show."""
        self.total, self.pages = found.total, found.pages
        return list(found.rows)

    @event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._fetch()


async def follow_request(state, step: Callable[[], Awaitable[bool]], *, every: float, seconds: float) -> None:
    """A background task's loop over a request the worker does: every `every` seconds, with the state locked,
    `step()` reads it and shows it; the loop ends when `step` says it is done, on a refusal (the session ended,
    the page was left) or after `seconds`; a database too busy to answer is only a missed look."""
    for _ in range(round(seconds / every)):
        await asyncio.sleep(every)
        async with state:
            try:
                if await step():
                    return
            except Busy:
                continue  # the database stayed locked this time: look again at the next tick
            except (DomainError, Stopped):
                return
