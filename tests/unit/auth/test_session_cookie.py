"""One sign-in per browser: the session's token reaches the browser only as an HttpOnly cookie, fetched by a
ticket that works once and for a minute; a return address never leads off the site."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from cabinet import clock, routes, session_cookie
from cabinet.api import api
from cabinet.services.auth import sessions
from cabinet.services.errors import SessionExpired
from tests.unit.factories import new_session_token


@pytest.fixture
def token(session):
    return new_session_token(session)


class Browser:
    """Requests to the backend's routes as a browser sends them, redirects not followed."""

    def get(self, path: str, params: dict) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=api)
            async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
                return await client.get(path, params=params)

        return asyncio.run(fetch())


@pytest.fixture
def browser(engine):
    return Browser()


def test_a_ticket_gives_the_browser_a_new_token_once(session, token, browser):
    ticket = sessions.handover(session, token=token)
    assert token not in ticket

    answer = browser.get(session_cookie.ADOPT_PATH, params={"ticket": ticket, "next": "/subscribers?q=29"})
    assert answer.status_code == 303 and answer.headers["location"] == "/subscribers?q=29"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    new_token = session_cookie.token_in(cookie.split(";")[0])
    assert new_token and new_token != token
    assert sessions.actor_for(session, token=new_token)
    with pytest.raises(SessionExpired):  # the token the page once held no longer opens the session
        sessions.actor_for(session, token=token)

    again = browser.get(session_cookie.ADOPT_PATH, params={"ticket": ticket, "next": "/"})
    assert again.status_code == 303 and again.headers["location"] == routes.LOGIN
    assert "set-cookie" not in again.headers


def test_a_late_forged_or_ended_ticket_sets_nothing(session, token, browser, monkeypatch):
    ticket = sessions.handover(session, token=token)
    later = clock.now() + sessions.HANDOVER_FOR + dt.timedelta(seconds=2)
    forged = ticket[:-1] + ("0" if ticket[-1] != "0" else "1")
    for bad in ("", "garbage", "1.2.3", forged, ticket.replace(ticket.split(".")[0], "999999", 1)):
        with pytest.raises(SessionExpired):
            sessions.adopt(session, ticket=bad)
    with monkeypatch.context() as late:
        late.setattr(clock, "now", lambda: later)
        with pytest.raises(SessionExpired):
            sessions.adopt(session, ticket=ticket)
    sessions.sign_out(session, token=token)
    answer = browser.get(session_cookie.ADOPT_PATH, params={"ticket": ticket})
    assert answer.headers["location"] == routes.LOGIN and "set-cookie" not in answer.headers


def test_the_return_address_stays_on_the_site(session, token, browser):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                   "subscribers", "/x\r\nSet-Cookie: a=b", ""):
        ticket = sessions.handover(session, token=token)
        answer = browser.get(session_cookie.ADOPT_PATH, params={"ticket": ticket, "next": target})
        assert answer.headers["location"] == routes.HOME, target
        token = session_cookie.token_in(answer.headers["set-cookie"].split(";")[0])
    assert routes.local_path("/history/request?id=5") == "/history/request?id=5"


def test_signing_out_clears_the_cookie(browser):
    answer = browser.get(session_cookie.END_PATH, params={"next": "https://evil.example"})
    assert answer.status_code == 303 and answer.headers["location"] == routes.LOGIN
    assert answer.headers["set-cookie"].startswith(f"{session_cookie.NAME}=;") and "Max-Age=0" in \
        answer.headers["set-cookie"]


def test_the_token_is_found_among_other_cookies_and_garbage_is_no_token():
    assert session_cookie.token_in(f"a=1; {session_cookie.NAME}=abc-DEF_1; b=2") == "abc-DEF_1"
    assert session_cookie.token_in("") == session_cookie.token_in("a=1") == ""
    assert session_cookie.token_in('x="; ;=') == ""
