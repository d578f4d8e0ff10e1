"""The guard around the backend: frame headers on every response; an upload refused before its body is read when
it is larger than the picker takes (413) or its sender is not signed in (403); a chunked body counted as it comes."""

from __future__ import annotations

import asyncio

import pytest

from cabinet import http_guard, session_cookie
from cabinet.http_guard import MAX_UPLOAD_BODY, HttpGuard
from tests.unit.factories import new_session_token

FRAME = {b"x-frame-options": b"DENY", b"content-security-policy": b"frame-ancestors 'none'"}


class Backend:
    """The app behind the guard: answers 200 and keeps the body it read."""

    def __init__(self, headers=()):
        self.called = False
        self.body = b""
        self.headers = list(headers)

    async def __call__(self, scope, receive, send):
        self.called = True
        if scope["type"] == "http":
            while True:
                message = await receive()
                self.body += message.get("body", b"")
                if not message.get("more_body"):
                    break
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"ok"})


class Client:
    """One request: its body in chunks; counts how much of it the server read."""

    def __init__(self, chunks=(b"",)):
        self.chunks = list(chunks)
        self.read = 0
        self.sent: list[dict] = []

    async def receive(self):
        if not self.chunks:
            return {"type": "http.disconnect"}
        chunk = self.chunks.pop(0)
        self.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message):
        self.sent.append(message)

    @property
    def status(self) -> int:
        return self.sent[0]["status"]

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        return self.sent[0]["headers"]

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.sent[1:]).decode()


def request(path="/_upload", method="POST", headers=None, scope_type="http"):
    return {"type": scope_type, "path": path, "method": method,
            "headers": [(name.encode(), value.encode()) for name, value in (headers or {}).items()]}


def guard(backend):
    return HttpGuard(backend)


def with_session(token: str, **headers: str) -> dict[str, str]:
    """The headers of a browser that holds the session's cookie (among others)."""
    return {**headers, "cookie": f"theme=dark; {session_cookie.NAME}={token}"}


def run(guarded, scope, client):
    asyncio.run(guarded(scope, client.receive, client.send))
    return client


@pytest.fixture
def session_token(session):
    return new_session_token(session)


def test_every_response_forbids_framing_and_keeps_its_own_headers():
    backend = Backend(headers=[(b"content-type", b"text/html"), (b"x-frame-options", b"SAMEORIGIN")])
    client = run(guard(backend), request("/login", "GET"), Client())
    headers = client.headers
    assert (b"content-type", b"text/html") in headers
    assert {name: value for name, value in headers if name in FRAME} == FRAME
    assert [name for name, _ in headers].count(b"x-frame-options") == 1


def test_a_declared_body_over_the_cap_is_refused_unread_before_the_session_is_looked_up(monkeypatch):
    monkeypatch.setattr(http_guard, "_signed_in", lambda token: pytest.fail("the session was looked up"))
    backend, client = Backend(), Client([b"x" * 1000])
    huge = with_session("t", **{"content-length": str(2 * 10**9)})
    run(guard(backend), request(headers=huge), client)
    assert (client.status, client.text) == (413, "Файл больше 2 МБ. Загрузите файл меньшего размера.")
    assert client.read == 0 and not backend.called
    assert {name: value for name, value in client.headers if name in FRAME} == FRAME


def test_an_upload_without_a_live_session_is_refused_unread(engine):
    for headers in ({"content-length": "10"}, with_session("unknown", **{"content-length": "10"}),
                    with_session("unknown"), {"cookie": "garbled\"; ;="}):
        backend, client = Backend(), Client([b"x" * 10])
        run(guard(backend), request(headers=headers), client)
        assert (client.status, client.text) == (403, "Сеанс завершен. Войдите снова.")
        assert client.read == 0 and not backend.called


def test_a_signed_in_upload_reaches_the_app_whole(session_token):
    backend, client = Backend(), Client([b"a" * 1000, b"b" * 1000])
    headers = with_session(session_token, **{"content-length": "2000"})
    run(guard(backend), request(headers=headers), client)
    assert client.status == 200 and backend.body == b"a" * 1000 + b"b" * 1000


def test_a_chunked_body_is_counted_as_it_comes_and_refused_past_the_cap(session_token):
    chunk = b"x" * 500_000
    backend, client = Backend(), Client([chunk] * 100)  # 50 MB without a Content-Length
    run(guard(backend), request(headers=with_session(session_token)), client)
    assert client.status == 413 and not backend.called
    assert client.read <= MAX_UPLOAD_BODY + len(chunk)

    backend, client = Backend(), Client([chunk] * 3)
    run(guard(backend), request(headers=with_session(session_token)), client)
    assert client.status == 200 and backend.body == chunk * 3


def test_a_malformed_length_is_refused():
    backend, client = Backend(), Client()
    run(guard(backend), request(headers={"content-length": "12abc"}), client)
    assert client.status == 400 and not backend.called


def test_other_routes_and_websockets_pass_as_they_are():
    backend, client = Backend(), Client([b"x" * (MAX_UPLOAD_BODY + 1)])
    run(guard(backend), request("/_event", headers={"content-length": str(MAX_UPLOAD_BODY + 1)}), client)
    assert client.status == 200 and backend.called

    sent = []

    async def websocket_app(scope, receive, send):
        await send({"type": "websocket.accept"})

    async def collect(message):
        sent.append(message)

    asyncio.run(guard(websocket_app)(request("/_event", scope_type="websocket"), Client().receive, collect))
    assert sent == [{"type": "websocket.accept"}]
