"""A signed-in user who skips the browser and writes to the app's websocket himself: the events a page never
sends him are refused where he would look (no rows, no link, a refusal in Russian, no redirect into the page),
backend vars cannot be written from outside, and ids of another company's subscribers and requests, or of
accounts his role does not reach, are refused — with nothing stored in the database either way.

The client speaks Reflex's own protocol, as the compiled frontend does: a Socket.IO connection on the path
`/_event` with the tab's client token in the query, each event emitted as "event" with its full handler name,
payload and router data, each reply an "event" message carrying a state delta or frontend events."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

import engineio
import pytest
import socketio
from reflex.state import State, UpdateVarsInternalState

from cabinet.state.bulk import BulkState
from cabinet.state.card import CardState
from cabinet.state.home import HomeState
from cabinet.state.picker import PickerState
from cabinet.state.request_page import RequestState
from cabinet.state.session import SessionState
from cabinet.state.sign_in import SignInState
from cabinet.state.sip_card import SipCardState, SipChooseState
from cabinet.state.sip_card_views import SipCallsState, SipSettingsState
from cabinet.state.sip_invoices import SipInvoicesState
from cabinet.state.wizard import NOTHING_PICKED
from tests.e2e.helpers import query

NAMESPACE = "/_event"
REPLY_SECONDS = 90  # one reply, on a machine shared with others
IDLE_SECONDS = 180  # the worker finishing what earlier tests ordered
FIELD = "_rx_state_"  # the suffix of a var's name in a delta
REFUSED = "Нет доступа к запрошенным данным."
ADMIN, ADMIN_PASSWORD = "375290000001", "Admin#2026"  # Administrator of company 1, its mobile account
OTHER_ADMIN, OTHER_PASSWORD = "375290000101", "Other#2026"  # Administrator of company 2
# What a stored attempt would leave behind: a request, its items, an audit line, a letter.
STORED_TABLES = ("request", "requestitem", "auditevent", "outboxemail")
SHOWN_ON_FAILURE = 3000  # characters of the replies a failed wait prints


def handler(state: type[State], name: str) -> str:
    """The handler's name on the wire, as the compiled frontend sends it."""
    assert name in state.event_handlers, f"{state.__name__} has no handler {name}"
    return f"{state.get_full_name()}.{name}"


def _unescape(text: str) -> str:
    """A toast's text as the user reads it: the JavaScript the backend sends writes it as \\uXXXX escapes."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


class _InOrderEngineIO(engineio.Client):
    """Engine.IO's client hands each message to its own thread, so a large delta could be read after a small one
    sent later; here every message is handled on the reading thread, in the order the backend sent it."""

    def _trigger_event(self, event, *args, **kwargs):
        kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class _InOrderSocketIO(socketio.Client):
    def _engineio_client_class(self):
        return _InOrderEngineIO


class Tab:
    """One browser tab's connection, without the browser: its client token identifies its states on the
    backend; every update the backend sends it is kept, in order."""

    def __init__(self, url: str, origin: str | None = None):
        self.url = url
        self.origin = origin or url  # the page's site, as the browser sends it
        self.token = str(uuid.uuid4())
        self.updates: list[dict] = []
        self._arrived = threading.Condition()
        self._probes = 0
        self._connect({})

    def _connect(self, headers: dict[str, str]) -> None:
        self.sio = _InOrderSocketIO(reconnection=False, websocket_extra_options={"origin": self.origin})
        self.sio.on("event", self._receive, namespace=NAMESPACE)
        self.sio.connect(f"{self.url}?token={self.token}", socketio_path="/_event", namespaces=[NAMESPACE],
                         transports=["websocket"], wait_timeout=REPLY_SECONDS, headers=headers)

    def reopen_with_cookie(self, cookie: str) -> None:
        """The tab's next page load: the same client token, a new websocket that carries the browser's cookie."""
        self.sio.disconnect()
        self._connect({"Cookie": cookie})

    def _receive(self, update: dict) -> None:
        with self._arrived:
            self.updates.append(update)
            self._arrived.notify_all()

    def close(self) -> None:
        self.sio.disconnect()

    def send(self, name: str, path: str = "/", query_params: dict | None = None, **payload) -> int:
        """Emit the event as the browser on `path` would; returns where its replies begin in `updates`."""
        with self._arrived:
            mark = len(self.updates)
        search = "?" + "&".join(f"{k}={v}" for k, v in query_params.items()) if query_params else ""
        router_data = {"pathname": path, "asPath": path + search}
        if query_params:
            router_data["query"] = dict(query_params)
        self.sio.emit("event", {"name": name, "payload": payload, "router_data": router_data}, namespace=NAMESPACE)
        return mark

    def wait_for(self, mark: int, found: Callable[[list[dict]], object], what: str,
                 timeout: float = REPLY_SECONDS):
        """The first truthy `found(updates since mark)`, as updates arrive; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                result = found(self.updates[mark:])
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"No reply with {what} in {timeout} s; got: "
                                         f"{json.dumps(self.updates[mark:], ensure_ascii=False)[:SHOWN_ON_FAILURE]}")
                self._arrived.wait(left)

    def settle(self, mark: int, path: str = "/") -> list[dict]:
        """Every reply to what was sent since `mark`: a harmless event goes after it through the tab's queue
        (one event at a time per tab), so once its reply is in, so is everything the earlier events sent."""
        self._probes += 1
        probe = f"probe-{self._probes}"
        self.send(handler(SignInState, "set_method"), path=path, method=probe)

        def probe_answered(updates):
            for index, update in enumerate(updates):
                if state_delta([update], SignInState).get("method") == probe:
                    return updates[:index] or [{}]
            return None

        replies = self.wait_for(mark, probe_answered, "the probe's reply")
        return [update for update in replies if update]

    def call(self, name: str, path: str = "/", query_params: dict | None = None, **payload) -> list[dict]:
        """Send one event and return all it sent back."""
        return self.settle(self.send(name, path, query_params, **payload), path)


def state_delta(updates: list[dict], state: type[State]) -> dict:
    """The vars of `state` as the updates set them, later ones over earlier ones, names without the suffix."""
    merged: dict = {}
    for update in updates:
        for key, value in (update.get("delta") or {}).get(state.get_full_name(), {}).items():
            merged[key.removesuffix(FIELD)] = value
    return merged


def frontend_events(updates: list[dict], name: str | None = None) -> list[dict]:
    return [event for update in updates for event in update.get("events") or []
            if name is None or event.get("name") == name]


def redirects(updates: list[dict]) -> list[str]:
    return [event["payload"]["path"] for event in frontend_events(updates, "_redirect")]


def _plain(value):
    if isinstance(value, str):
        return _unescape(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def shown_text(updates: list[dict]) -> str:
    """Everything the replies would put before the user's eyes: the deltas' values and the toasts' text."""
    return json.dumps(_plain(updates), ensure_ascii=False)


def stored(cabinet) -> dict[str, int]:
    return {table: query(cabinet, f"SELECT COUNT(*) FROM {table}")[0][0] for table in STORED_TABLES}


def worker_idle(cabinet) -> None:
    """Wait until the worker has finished every request earlier tests ordered: it writes audit lines as it goes,
    which must not be taken for a line the attack left. A worker still busy after IDLE_SECONDS is left to it: the
    comparison after the attack then says which table grew."""
    deadline = time.monotonic() + IDLE_SECONDS
    while time.monotonic() < deadline:
        if query(cabinet, "SELECT COUNT(*) FROM request WHERE finished_at IS NULL")[0][0] == 0:
            return
        time.sleep(0.5)


def signed_in(cabinet, login: str, password: str) -> Tab:
    """A tab that signed in through the sign-in page's own event and opened the main page, as the browser does."""
    tab = Tab(cabinet.url)
    mark = tab.send(handler(State, "hydrate"), path="/login")
    tab.wait_for(mark, lambda updates: any(State.get_full_name() in (u.get("delta") or {}) for u in updates),
                 "the hydrated state")
    mark = tab.send(handler(SignInState, "sign_in"), path="/login", form={"login": login, "password": password})
    adopt = tab.wait_for(mark, lambda updates: re.search(r'"(/session/adopt\?[^"]+)"', shown_text(updates)),
                         "the page load that takes the session's cookie")
    tab.reopen_with_cookie(session_cookie_of(cabinet, adopt.group(1)))
    home = tab.call(handler(SessionState, "enter"), route="/")
    assert state_delta(home, HomeState).get("loaded") is True
    assert not redirects(home)
    return tab


def session_cookie_of(cabinet, adopt_path: str) -> str:
    """What the browser does with the sign-in page's handover: load the path, keep the cookie it sets."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(cabinet.url + adopt_path, timeout=REPLY_SECONDS)
    except urllib.error.HTTPError as answer:  # the 303 to the page, not followed
        assert answer.code == 303, answer.code
        return answer.headers["Set-Cookie"].split(";")[0]
    raise AssertionError("the handover did not answer with a redirect")


def own_account_number(cabinet, login: str) -> str:
    return query(cabinet, "SELECT a.number FROM personalaccount a JOIN useraccount ua ON ua.account_id = a.id "
                          "JOIN user u ON u.id = ua.user_id WHERE u.login = ? AND a.kind = 'mobile'", login)[0][0]


def assert_still_signed_in(cabinet, tab: Tab, login: str) -> None:
    """The session acts as before: the main page opens with the user's own name and account."""
    home = tab.call(handler(SessionState, "enter"), route="/")
    assert not redirects(home), f"the session was lost: {redirects(home)}"
    assert state_delta(home, HomeState).get("loaded") is True, shown_text(home)
    assert state_delta(home, HomeState).get("number") == own_account_number(cabinet, login)
    name, account_id = query(cabinet, "SELECT u.full_name, a.id FROM user u JOIN useraccount ua ON ua.user_id = u.id "
                                      "JOIN personalaccount a ON a.id = ua.account_id WHERE u.login = ? "
                                      "AND a.kind = 'mobile'", login)[0]
    session = state_delta(home, SessionState)
    assert (session.get("user_name"), session.get("account_id")) == (name, str(account_id))


def a_subscriber(cabinet, organization: int, kind: str = "mobile") -> tuple[int, str]:
    return tuple(query(cabinet, "SELECT s.id, s.number FROM subscriber s JOIN personalaccount a ON a.id = s.account_id "
                                "WHERE a.organization_id = ? AND a.kind = ? ORDER BY s.id LIMIT 1",
                       organization, kind)[0])


def sip_last_month(cabinet) -> str:
    """The month of the SIP account's last invoice, «2026-10»."""
    return query(cabinet, "SELECT strftime('%Y-%m', MAX(i.period)) FROM invoice i JOIN personalaccount a "
                          "ON a.id = i.account_id WHERE a.kind = 'sip'")[0][0]


@pytest.fixture
def tabs(cabinet):
    opened: list[Tab] = []

    def open_signed_in(login: str, password: str) -> Tab:
        tab = signed_in(cabinet, login, password)
        opened.append(tab)
        return tab

    yield open_signed_in
    for tab in opened:
        tab.close()


def test_administrator_cannot_run_the_sip_administrators_handlers(cabinet, tabs):
    tab = tabs(ADMIN, ADMIN_PASSWORD)
    sip_id, sip_number = a_subscriber(cabinet, 1, "sip")  # the company's own SIP account: not the role's kind
    worker_idle(cabinet)
    before = stored(cabinet)

    # The SIP page's guard sends him back to his own cabinet and opens nothing.
    entered = tab.call(handler(SessionState, "enter"), path="/sip", route="/sip")
    assert redirects(entered) == ["/"]
    assert not state_delta(entered, SipChooseState)

    # «Показать все» on «Выбор SIP-абонента», sent straight to the handler.
    path = "/sip/subscribers"
    shown = tab.call(handler(SipChooseState, "show_all"), path=path)
    seen = state_delta(shown, SipChooseState)
    assert seen.get("error") == REFUSED
    assert not seen.get("rows") and seen.get("showing_all") is not True
    assert sip_number not in shown_text(shown)

    found = tab.call(handler(SipChooseState, "find"), path=path, form={"number": sip_number})
    assert state_delta(found, SipChooseState).get("error") == REFUSED
    assert not redirects(found)

    # The SIP subscriber's card, its calls and its settings, named by id.
    card = {"path": "/sip/subscribers/card", "query_params": {"id": str(sip_id)}}
    opened = tab.call(handler(SipCardState, "load"), **card)
    seen = state_delta(opened, SipCardState)
    assert seen.get("error") == REFUSED and not seen.get("number") and not seen.get("connected")
    assert sip_number not in shown_text(opened)

    tab.call(handler(SipCallsState, "load"), **card)
    calls = tab.call(handler(SipCallsState, "show"), **card)
    seen = state_delta(calls, SipCallsState)
    assert seen.get("error") == REFUSED
    assert not seen.get("rows") and seen.get("shown") is not True

    password = tab.call(handler(SipSettingsState, "show_password"), **card)
    seen = state_delta(password, SipSettingsState)
    assert seen.get("error") == REFUSED and not seen.get("password")

    # «Загрузить счет по ссылке» and «Заказать счет на E-mail» for the last month.
    path = "/sip/invoices"
    tab.call(handler(SipInvoicesState, "set_month"), path=path, month=sip_last_month(cabinet))
    link = tab.call(handler(SipInvoicesState, "make_link"), path=path)
    seen = state_delta(link, SipInvoicesState)
    assert seen.get("error") == REFUSED
    assert not seen.get("link_url") and "http" not in shown_text(link)
    mailed = tab.call(handler(SipInvoicesState, "send"), path=path)
    seen = state_delta(mailed, SipInvoicesState)
    assert seen.get("error") == REFUSED and not seen.get("done")

    assert stored(cabinet) == before
    assert_still_signed_in(cabinet, tab, ADMIN)


def test_backend_vars_cannot_be_written_from_the_websocket(cabinet, tabs):
    tab = tabs(ADMIN, ADMIN_PASSWORD)
    foreign_account = query(cabinet, "SELECT id FROM personalaccount WHERE organization_id = 2 ORDER BY id")[0][0]
    worker_idle(cabinet)
    before = stored(cabinet)

    # The generic setter: the session's token, and the account in view set to another company's account.
    for var, value in (("_token", "forged-" + uuid.uuid4().hex), ("account_id", str(foreign_account))):
        mark = tab.send(handler(SessionState, "setvar"), var_name=var, value=value)
        toast = tab.wait_for(mark, lambda updates: frontend_events(updates, "_call_function"),
                             f"the refusal of setvar({var!r})")
        assert "Не удалось выполнить действие" in shown_text(toast)
        replies = tab.settle(mark)
        assert not state_delta(replies, SessionState), f"setvar({var!r}) changed the session: {shown_text(replies)}"
        assert not any(key.startswith("_token") for update in replies
                       for changes in (update.get("delta") or {}).values() for key in changes)

    # A setter by name, which Reflex does not make: no such handler, nothing done.
    replies = tab.call(f"{SessionState.get_full_name()}.set__token", value="forged")
    assert not state_delta(replies, SessionState) and not redirects(replies)

    # The client-storage channel (cookies, local storage) takes only vars declared as client storage.
    replies = tab.call(handler(UpdateVarsInternalState, "update_vars_internal"), vars={
        f"{SessionState.get_full_name()}._token": "forged",
        f"{SessionState.get_full_name()}._token{FIELD}": "forged",
        f"{SessionState.get_full_name()}.account_id{FIELD}": str(foreign_account),
    })
    assert not state_delta(replies, SessionState), shown_text(replies)

    assert_still_signed_in(cabinet, tab, ADMIN)
    # Still the company's own account in view: the foreign one is not reachable by any handler either.
    switched = tab.call(handler(SessionState, "switch_account"), account_id=str(foreign_account))
    assert "Этот лицевой счет вам недоступен." in shown_text(switched)
    assert not state_delta(switched, SessionState).get("account_id")
    assert stored(cabinet) == before


def test_another_companys_subscriber_cannot_be_named(cabinet, tabs):
    tab = tabs(ADMIN, ADMIN_PASSWORD)
    foreign_id, foreign_number = a_subscriber(cabinet, 2)
    service_id = query(cabinet, "SELECT id FROM service WHERE id NOT IN (SELECT service_id FROM subscriberservice "
                                "WHERE subscriber_id = ?) ORDER BY id LIMIT 1", foreign_id)[0][0]
    worker_idle(cabinet)
    before = stored(cabinet)

    # His own subscriber's card opens through the same event: the refusals below are about the id alone.
    own_id, own_number = a_subscriber(cabinet, 1)
    own = tab.call(handler(CardState, "load"), path="/subscribers/card", query_params={"id": str(own_id)})
    assert state_delta(own, CardState).get("number") == own_number and not state_delta(own, CardState).get("error")

    # The card, opened by the page's own load and by its guard, with the other company's id in the address.
    card = {"path": "/subscribers/card", "query_params": {"id": str(foreign_id)}}
    opened = tab.call(handler(CardState, "load"), **card)
    seen = state_delta(opened, CardState)
    assert seen.get("error") == REFUSED and not seen.get("number") and not seen.get("available")
    assert foreign_number not in shown_text(opened)
    entered = tab.call(handler(SessionState, "enter"), route="/subscribers/card", **card)
    assert state_delta(entered, CardState).get("error") == REFUSED
    assert foreign_number not in shown_text(entered)

    # «Подключить» on that card: the operation names the foreign subscriber the load remembered.
    connected = tab.call(handler(CardState, "connect"), service_id=str(service_id), **card)
    seen = state_delta(connected, CardState)
    assert seen.get("error") == REFUSED and not seen.get("done") and not seen.get("following")
    renamed = tab.call(handler(CardState, "rename"), form={"name": "Чужой"}, **card)
    assert state_delta(renamed, CardState).get("error") == REFUSED

    # The list operations' picker: the foreign subscriber is neither found nor ticked, so nothing is ordered.
    path = "/bulk/operations"
    tab.call(handler(BulkState, "set_tab"), path=path, tab="termination")
    found = tab.call(handler(PickerState, "find"), path=path, form={"search": foreign_number})
    seen = state_delta(found, PickerState)
    assert seen.get("search") == foreign_number  # what he typed, echoed in the field
    assert not seen.get("rows") and seen.get("total") == 0
    assert foreign_number not in json.dumps({key: value for key, value in seen.items() if key != "search"})
    ticked = tab.call(handler(PickerState, "tick"), path=path, subscriber_id=str(foreign_id), ticked=True)
    assert str(foreign_id) not in (state_delta(ticked, PickerState).get("selected") or [])
    reviewed = tab.call(handler(BulkState, "review"), path=path)
    assert state_delta(reviewed, BulkState).get("error") == NOTHING_PICKED

    assert stored(cabinet) == before
    assert not query(cabinet, "SELECT id FROM requestitem WHERE subscriber_id = ?", foreign_id)


def test_another_companys_request_cannot_be_opened(cabinet, tabs):
    tab = tabs(OTHER_ADMIN, OTHER_PASSWORD)
    request_id, summary = query(cabinet, "SELECT id, summary FROM request WHERE organization_id = 1 ORDER BY id")[0]
    numbers = [row[0] for row in query(cabinet, "SELECT number FROM requestitem WHERE request_id = ?", request_id)]
    worker_idle(cabinet)
    before = stored(cabinet)

    page = {"path": "/history/request", "query_params": {"id": str(request_id)}}
    entered = tab.call(handler(SessionState, "enter"), route="/history/request", **page)
    seen = state_delta(entered, RequestState)
    assert seen.get("error") == REFUSED
    assert not seen.get("items") and not seen.get("kind") and not seen.get("summary")
    text = shown_text(entered)
    assert summary not in text and not any(number in text for number in numbers)

    # «Выгрузить в Excel» for the request the refused load remembered: no file link comes back.
    exported = tab.call(handler(RequestState, "export"), **page)
    assert state_delta(exported, RequestState).get("error") == REFUSED
    assert not frontend_events(exported, "_download") and "/api/" not in shown_text(exported)

    assert stored(cabinet) == before
    assert_still_signed_in(cabinet, tab, OTHER_ADMIN)


def test_a_websocket_opened_from_another_site_is_refused(cabinet):
    """Another site's page cannot open the cabinet's websocket in the user's browser and ride their cookie."""
    with pytest.raises(socketio.exceptions.ConnectionError):
        Tab(cabinet.url, origin="https://evil.example")
