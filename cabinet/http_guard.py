"""What the backend lets in and tells the browser, around the whole app (Reflex's routes, the file routes of
`cabinet.api`, and the pages, which the single-port production server serves from the same app): no response may
be framed by another site; an upload is refused before its body is read when it is larger than the picker takes or
its sender is not signed in (Reflex itself would spool any body to disk whole before the picker sees its size); and
an unexpected error of an event handler is shown in Russian with a reference number the log has with its stack."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx
from reflex_base.event import EventSpec

from cabinet import db, session_cookie
from cabinet.services.auth import sessions
from cabinet.services.errors import Busy, DomainError, SessionExpired
from cabinet.services.subscribers.uploads import MAX_FILE_BYTES, too_large

ASGIApp = Callable[..., Awaitable[None]]
Message = dict[str, Any]

MULTIPART_ALLOWANCE = 64 * 1024  # the form's boundaries, part headers and file name around the file
MAX_UPLOAD_BODY = MAX_FILE_BYTES + MULTIPART_ALLOWANCE
TOO_LARGE = too_large()
NOT_SIGNED_IN = SessionExpired().message
BAD_REQUEST = "Запрос не принят: неверная длина тела запроса."

FRAME_HEADERS = [(b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'")]

def _signed_in(session_token: str) -> bool:
    if not session_token:
        return False
    with db.session_scope() as session:
        try:
            sessions.actor_for(session, token=session_token)
        except DomainError:
            return False
    return True


class HttpGuard:
    """ASGI middleware: frame headers on every HTTP response; the upload endpoint bounded and signed-in only."""

    def __init__(self, app: ASGIApp, *, upload_path: str = "/_upload"):
        self.app = app
        self.upload_path = upload_path

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_frame_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", [])
                        if name.lower() != b"x-frame-options"]
                message = {**message, "headers": [*kept, *FRAME_HEADERS]}
            await send(message)

        if scope["path"] == self.upload_path and scope["method"] != "OPTIONS":
            await self._upload(scope, receive, send_with_frame_headers)
        else:
            await self.app(scope, receive, send_with_frame_headers)

    async def _upload(self, scope: Message, receive: Callable[[], Awaitable[Message]],
                      send: Callable[[Message], Awaitable[None]]) -> None:
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, BAD_REQUEST)
                return
            if int(declared) > MAX_UPLOAD_BODY:
                await _refuse(send, 413, TOO_LARGE)
                return
        session_token = session_cookie.token_in(headers.get(b"cookie", b"").decode("latin-1"))
        if not await asyncio.to_thread(_signed_in, session_token):
            await _refuse(send, 403, NOT_SIGNED_IN)
            return
        if declared is not None:  # the server reads no more than the length declared
            await self.app(scope, receive, send)
            return
        body = await _body_up_to(receive, MAX_UPLOAD_BODY)  # chunked: counted as it comes, at most the cap kept
        if body is None:
            await _refuse(send, 413, TOO_LARGE)
            return
        await self.app(scope, _replay(body, receive), send)


async def _body_up_to(receive: Callable[[], Awaitable[Message]], limit: int) -> bytes | None:
    """The request's whole body, or None as soon as it passes `limit` bytes (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away: the app sees the part that came
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Callable[[], Awaitable[Message]]) -> Callable[[], Awaitable[Message]]:
    """A `receive` that gives the body read already in one message, then whatever the client sends next (its
    disconnect)."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _refuse(send: Callable[[Message], Awaitable[None]], status: int, text: str) -> None:
    content = text.encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(content)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": content})


# --- unexpected errors of event handlers ------------------------------------------------------------------------

log = logging.getLogger("cabinet.errors")


def error_reference() -> str:
    """A number to quote to support, such as 4821-0937: the log line with the stack carries the same."""
    digits = f"{secrets.randbelow(10**8):08d}"
    return f"{digits[:4]}-{digits[4:]}"


def shown_backend_error(exception: Exception) -> EventSpec:
    """Reflex's `backend_exception_handler`: the error logged with its stack under a reference, and the user told
    in Russian, with that reference, instead of Reflex's English «An error occurred». A database that stayed locked
    (Busy) where a handler did not catch it is no error: the user reads «Сервер занят…» and tries again."""
    if isinstance(exception, Busy):
        return rx.toast(exception.message, level="warning", fallback_to_alert=True, position="top-center")
    reference = error_reference()
    log.error("Unexpected error %s in an event handler", reference, exc_info=exception)
    return rx.toast(
        f"Не удалось выполнить действие: внутренняя ошибка № {reference}.",
        level="error",
        fallback_to_alert=True,  # an alert shows the first line only: the reference is in it
        description="Повторите попытку позже. Если ошибка повторится, сообщите ее номер в службу поддержки.",
        position="top-center",
    )
