"""The Reflex app: the pages as they are declared (`cabinet.pages.page`: route, title, guard, loads), the embedded
services as lifespan tasks."""

from __future__ import annotations

import reflex as rx

from cabinet import bootstrap, settings
from cabinet.api import api
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

app = rx.App(head_components=[rx.el.meta(name="theme-color", content="#3e63dd")], api_transformer=api)

for declared in DECLARED:
    app.add_page(declared.component, route=declared.route, title=declared.title, on_load=declared.on_load)

if settings.get().embedded_smtp:
    app.register_lifespan_task(smtp_sink.serving)
if settings.get().run_worker_in_app:
    app.register_lifespan_task(Worker(bootstrap.handler_registry()).serving)
