"""The backend's own HTTP routes beside Reflex's: files fetched by the signed links the pages hand out (the
invoice of P6, the request's results, «Выгрузка в Excel»), so no file travels through the websocket."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from cabinet import routes, session_cookie, settings
from cabinet.documents.common import RenderedDocument
from cabinet.services.auth import sessions
from cabinet.services.errors import Busy, DomainError
from cabinet.services.requests import history
from cabinet.services.sip import invoices as sip_invoices
from cabinet.services.subscribers import excel
from cabinet.state.services import call


def _try_again(busy: Busy) -> Response:
    return PlainTextResponse(busy.message, status_code=503, headers={"Retry-After": "5"})


def file_route(fetch: Callable[..., RenderedDocument], parameter: str):
    """A route answering with the file `fetch` renders for the link in the query's `parameter`, or 403 with the
    refusal in words."""

    async def serve(request: Request) -> Response:
        try:
            document = await call(fetch, **{parameter: request.query_params.get(parameter, "")})
        except Busy as busy:  # the database stayed locked: try again, nothing is wrong with the link
            return _try_again(busy)
        except DomainError as refusal:
            return PlainTextResponse(refusal.message, status_code=403)
        disposition = f"attachment; filename*=UTF-8''{quote(document.filename)}"
        return Response(document.content, media_type=document.content_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})

    return serve


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or settings.get().public_url.startswith("https://")


async def adopt_session(request: Request) -> Response:
    """The browser takes a new session as its cookie (the ticket the sign-in page handed over), then opens the
    page it was going to; a ticket used, late or forged leads to the sign-in page and sets nothing."""
    target = routes.local_path(request.query_params.get("next"))
    try:
        token = await call(sessions.adopt, ticket=request.query_params.get("ticket", ""))
    except Busy as busy:
        return _try_again(busy)
    except DomainError:
        return RedirectResponse(routes.LOGIN, status_code=303, headers={"Cache-Control": "no-store"})
    cookie = session_cookie.set_cookie(token, secure=_secure(request),
                                       max_age=settings.get().session_absolute_hours * 3600)
    return RedirectResponse(target, status_code=303, headers={"Set-Cookie": cookie, "Cache-Control": "no-store"})


async def end_session(request: Request) -> Response:
    """The cookie of a session already ended (by «Выход») cleared, then the page."""
    target = routes.local_path(request.query_params.get("next"), routes.LOGIN)
    return RedirectResponse(target, status_code=303, headers={"Set-Cookie": session_cookie.cleared(
        secure=_secure(request)), "Cache-Control": "no-store"})


api = Starlette(routes=[
    Route(session_cookie.ADOPT_PATH, adopt_session),
    Route(session_cookie.END_PATH, end_session),
    Route(sip_invoices.LINK_PATH, file_route(sip_invoices.download_by_link, "token")),
    Route(history.ITEMS_PATH, file_route(history.items_file, "link")),
    Route(excel.FILE_PATH, file_route(excel.subscribers_file, "link")),
    Route(excel.EXPORT_PATH, file_route(excel.exported_file, "link")),
])
