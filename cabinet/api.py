"""The backend's own HTTP routes beside Reflex's: files fetched by the signed links the pages hand out (the
invoice of P6, the request's results, «Выгрузка в Excel»), so no file travels through the websocket."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cabinet.documents.common import RenderedDocument
from cabinet.services.errors import Busy, DomainError
from cabinet.services.requests import history
from cabinet.services.sip import invoices as sip_invoices
from cabinet.services.subscribers import excel
from cabinet.state.services import call


def file_route(fetch: Callable[..., RenderedDocument], parameter: str):
    """A route answering with the file `fetch` renders for the link in the query's `parameter`, or 403 with the
    refusal in words."""

    async def serve(request: Request) -> Response:
        try:
            document = await call(fetch, **{parameter: request.query_params.get(parameter, "")})
        except Busy as busy:  # the database stayed locked: try again, nothing is wrong with the link
            return PlainTextResponse(busy.message, status_code=503, headers={"Retry-After": "5"})
        except DomainError as refusal:
            return PlainTextResponse(refusal.message, status_code=403)
        disposition = f"attachment; filename*=UTF-8''{quote(document.filename)}"
        return Response(document.content, media_type=document.content_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})

    return serve


api = Starlette(routes=[
    Route(sip_invoices.LINK_PATH, file_route(sip_invoices.download_by_link, "token")),
    Route(history.ITEMS_PATH, file_route(history.items_file, "link")),
    Route(excel.FILE_PATH, file_route(excel.subscribers_file, "link")),
    Route(excel.EXPORT_PATH, file_route(excel.exported_file, "link")),
])
