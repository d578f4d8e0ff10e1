"""The backend's own HTTP routes beside Reflex's: the download of an invoice by its signed link (P6)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cabinet.services.errors import DomainError
from cabinet.services.sip import invoices as sip_invoices
from cabinet.state.services import call


async def invoice_by_link(request: Request) -> Response:
    try:
        document = await call(sip_invoices.download_by_link, token=request.query_params.get("token", ""))
    except DomainError as refusal:
        return PlainTextResponse(refusal.message, status_code=403)
    disposition = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    return Response(document.content, media_type=document.content_type,
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


api = Starlette(routes=[Route(sip_invoices.LINK_PATH, invoice_by_link)])
