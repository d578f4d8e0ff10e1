"""Where the cabinet is composed: the registry of request handlers the worker is handed, and the SMS gateway the
sign-in uses. Nothing below imports this module; the app (`cabinet.cabinet`) and the worker process
(`cabinet.worker.__main__`) do."""

from __future__ import annotations

from functools import cache

from cabinet import settings
from cabinet.delivery import sms
from cabinet.services.bulk import handlers as bulk_handlers
from cabinet.services.finance import handlers as finance_handlers
from cabinet.services.requests.handling import Registry
from cabinet.services.sip import handlers as sip_handlers
from cabinet.services.subscribers import handlers as subscriber_handlers

DOMAIN_HANDLERS = (subscriber_handlers, bulk_handlers, finance_handlers, sip_handlers)  # each ends with its dicts


@cache
def handler_registry() -> Registry:
    """Every request kind's handler and finish hook, from the domains' `handlers` modules."""
    return Registry.of(*((module.HANDLERS, module.FINISH_HOOKS) for module in DOMAIN_HANDLERS))


@cache
def sms_gateway() -> sms.SmsGateway:
    """The gateway named by SMS_GATEWAY (see `cabinet.delivery.sms.GATEWAYS`)."""
    return sms.gateway(settings.get().sms_gateway)
