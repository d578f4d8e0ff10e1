"""The worker's handlers of the SIP cabinet: «SIP-многоканальность» (P13) and the preliminary invoice of the
current period (P9), built once every subscriber is checked and mailed to the organisation's address."""

from __future__ import annotations

from sqlmodel import Session

from cabinet import clock
from cabinet.documents.preliminary import render_preliminary_invoice
from cabinet.models import Request, RequestItem, RequestKind
from cabinet.services.finance.handlers import Letter, account_of, done_subscribers, mailed_summary, still_on_account
from cabinet.services.sip import channels
from cabinet.services.sip.subscribers import charged_so_far
from cabinet.services.subscribers.handlers import item_params, locked_subscriber, record_change
from cabinet.text import month_words


def change_channels(session: Session, request: Request, item: RequestItem) -> str:
    """P13: the package of channels of a «SIP-соединение», at most once in 7 days (`channels.check_change`)."""
    subscriber = locked_subscriber(session, request, item)
    package = channels.check_change(session, subscriber, item_params(request, item).get("package_id"))
    subscriber.channel_package_id, subscriber.channel_changed_at = package.id, clock.now()
    record_change(session, subscriber, request, "subscriber.channels_changed", package=package.name)
    return f"Подключен пакет «{package.name}»"


def include_in_preliminary(session: Session, request: Request, item: RequestItem) -> str:
    still_on_account(session, request, item)
    return "Включен в предварительный счет"


def preliminary_invoice_letter(session: Session, request: Request) -> Letter | None:
    subscribers = done_subscribers(session, request)
    if not subscribers:
        return None  # every item refused: nothing to send
    period = request.params.get("period") or month_words(clock.today())
    start = clock.today().replace(day=1)
    charges = [(s.number, s.name or "", [(r.description, r.amount) for r in charged_so_far(session, s, start)])
               for s in subscribers]
    rendered = render_preliminary_invoice(account_of(session, request).number, period, charges)
    return Letter(rendered, subject=f"Предварительный счет за {period}",
                  text=f"предварительный счет за {period} на текущую дату (абонентов: {len(subscribers)})",
                  sent=f"Предварительный счет за {period} отправлен")


HANDLERS = {
    RequestKind.CHANNELS: change_channels,  # P13
    RequestKind.PRELIMINARY_INVOICE: include_in_preliminary,  # P9
}
FINISH_HOOKS = {RequestKind.PRELIMINARY_INVOICE: mailed_summary(preliminary_invoice_letter)}
