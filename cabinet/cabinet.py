"""The Reflex app: the pages as they are declared (`cabinet.pages.page`: route, title, guard, loads), the embedded
services as lifespan tasks, the whole backend behind `http_guard` (frame headers, bounded signed-in uploads) and
unexpected errors of event handlers shown in Russian with a reference."""

from __future__ import annotations

import reflex as rx

from cabinet import bootstrap, http_guard, settings
from cabinet.api import api
from cabinet.components import connection
from cabinet.delivery import smtp_sink
from cabinet.pages import (  # noqa: F401 - each module declares its pages
    account,
    bulk,
    bulk_services,
    card,
    confirm_address,
    detail,
    history,
    home,
    invoices,
    payments,
    reconciliation,
    request,
    sign_in,
    sip,
    sip_invoices,
    sip_payments,
    sip_subscribers,
    subscribers,
)
from cabinet.pages.page import DECLARED
from cabinet.worker import Worker


def guarded(backend):
    """The backend behind the guard of what it lets in."""
    return http_guard.HttpGuard(backend, upload_path=rx.config.get_config().prepend_backend_path("/_upload"))


app = rx.App(head_components=[rx.el.meta(name="theme-color", content="#3e63dd")], api_transformer=[api, guarded],
             backend_exception_handler=http_guard.shown_backend_error)

# Reflex's own, in English: the connection toast and the page that failed to render.
app.app_wraps[(5, "Overlay")] = lambda stateful: connection.overlay() if stateful else None
app.app_wraps[(55, "ErrorBoundary")] = lambda stateful: connection.render_failure(
    **({} if stateful else {"on_error": rx.noop()}))

for declared in DECLARED:
    app.add_page(declared.component, route=declared.route, title=declared.title, on_load=declared.on_load)

if settings.get().embedded_smtp:
    app.register_lifespan_task(smtp_sink.serving)
if settings.get().run_worker_in_app:
    app.register_lifespan_task(Worker(bootstrap.handler_registry()).serving)
