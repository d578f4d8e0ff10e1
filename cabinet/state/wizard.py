"""What every list-operation wizard (B1–B5) shares: choose → review → confirm, one request per confirmation, and
the request's progress followed live on the last step."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.services.bulk import orders as bulk
from cabinet.services.requests import history
from cabinet.state.page import PageState, event, follow_request
from cabinet.state.picker import PickerState

NOTHING_PICKED = "Отметьте абонентов или загрузите файл с их номерами."
FOLLOW_SECONDS = 3600  # a page stops following after an hour; the request page shows the rest


class ProgressState(PageState, rx.State):
    """The last step of a wizard: how far the worker is with the request just ordered."""

    request_id: int = 0
    total: int = 0
    done_items: int = 0
    refused: int = 0
    waiting: int = 0
    status: str = ""
    finished: bool = False
    following: bool = False

    @rx.var
    def percent(self) -> int:
        return int(100 * (self.done_items + self.refused) / self.total) if self.total else 0

    def _start(self, request_id: int):
        self.request_id, self.total, self.done_items, self.refused = request_id, 0, 0, 0
        self.waiting, self.status, self.finished, self.following = 0, "", False, True
        return ProgressState.follow

    async def _follow_step(self) -> bool:
        """One look at the request: done once it is finished or no longer followed (a new draft was started)."""
        if not self.following:
            return True
        self.following = False  # until it is seen unfinished
        found = await self._call(history.request_progress, on_account=False, request_id=self.request_id)
        self.total, self.done_items, self.refused, self.waiting = found.total, found.done, found.refused, found.waiting
        self.status, self.finished = found.status_title, found.finished
        self.following = not found.finished
        return found.finished

    @event(background=True)
    async def follow(self):
        await follow_request(self, self._follow_step, every=1, seconds=FOLLOW_SECONDS)


class ListWizard(PageState, mixin=True):
    """Step 1 chooses (the shared picker and the operation's own fields), the next reviews and confirms, the last
    shows the request. A draft keeps one idempotency key, so a double click or a repeated confirm makes one request."""

    step: int = 1
    count: int = 0  # subscribers in the choice, shown for review
    request_href: str = ""
    _key: str = ""

    def _kept(self) -> bool:
        """Whether the page shows what this wizard ordered last, as the page's load finds it (the page was
        reloaded, or its connection came back): the load then keeps it, and the worker's progress goes on being
        shown; otherwise the load starts a new draft."""
        if not self.request_href:
            return False
        self.loaded = self.opened = True
        return True

    async def _restart(self, status: str = ""):
        self.step, self.error, self.done, self._key, self.request_href = 1, "", "", self._new_key(), ""
        (await self.get_state(ProgressState)).following = False
        return await (await self.get_state(PickerState))._reset_choice(status=status)

    async def _picked(self) -> bool:
        """Whether anybody is chosen; remembers how many for the review."""
        count = (await self.get_state(PickerState)).chosen_count
        if count == 0:
            self.error = NOTHING_PICKED
            return False
        self.count, self.error = count, ""
        return True

    async def _choice(self) -> bulk.Choice:
        return bulk.Choice(**(await self.get_state(PickerState))._choice())

    async def _order(self, service, **params):
        """Confirm (the step before the last): store the request, then follow it on the last step."""
        result = await self._run(service, idempotency_key=self._key, **params)
        self.done, self.step, self.request_href = result.message, self.step + 1, routes.request_page(result.request_id)
        return (await self.get_state(ProgressState))._start(result.request_id)

    @rx.event
    def back(self):
        self.step, self.error = 1, ""

    @event
    async def again(self):
        """«Новая операция»: a fresh draft with a new key."""
        return await self._restart(self._status())

    def _status(self) -> str:
        """The status the picker lists (B4, B5 narrow it)."""
        return ""
