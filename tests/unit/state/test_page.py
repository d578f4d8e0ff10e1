"""The page plumbing every state uses: a refusal ends the handler with the event it carries, and the handler keeps
what Reflex reads of it (its name, its parameters and their annotations)."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from cabinet.state.format import one, parse_date
from cabinet.state.page import Stopped, event


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_refusal_ends_a_handler_with_its_event_and_nothing_after_it_runs():
    reached = []

    @event
    async def confirm(self, form: dict):
        raise Stopped("redirect /login")
        reached.append(form)  # not reached

    assert run(confirm(None, {"a": 1})) == "redirect /login"
    assert reached == []


def test_a_handler_that_is_not_refused_returns_what_it_returns():
    @event
    async def go(self, page: int):
        return page * 2

    assert run(go(None, 3)) == 6


def test_a_refusal_shown_in_place_ends_the_handler_with_nothing_to_send():
    @event
    async def send(self):
        raise Stopped()

    assert run(send(None)) is None


def test_the_handler_keeps_its_name_parameters_and_annotations():
    async def tick(self, subscriber_id: str, ticked: bool):
        return None

    wrapped = event(tick)
    assert wrapped.__name__ == "tick"
    assert list(inspect.signature(wrapped).parameters) == ["self", "subscriber_id", "ticked"]
    assert inspect.signature(wrapped).parameters["ticked"].annotation in (bool, "bool")


def test_a_yielding_handler_sends_what_it_yielded_then_the_refusals_event():
    @event
    async def sign_in(self, form: dict):
        yield "busy"
        raise Stopped("toast")

    async def collect():
        return [update async for update in sign_in(None, {})]

    assert run(collect()) == ["busy", "toast"]


def test_a_handler_that_runs_services_must_be_async():
    def plain(self):
        return None

    with pytest.raises(TypeError):
        event(plain)


def test_what_the_browser_sends_is_read_as_the_page_means_it():
    assert one("email") == one(["email"]) == "email" and one([]) == ""
    assert parse_date("2026-11-05").day == 5
    assert parse_date("") is None and parse_date("05.11.2026") is None
