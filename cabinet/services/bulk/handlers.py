"""The worker's handler of «Прекращение обслуживания» (B5). The other list operations (B1–B4) are done item by item
by the one-subscriber handlers of `cabinet.services.subscribers.handlers`, which `cabinet.bootstrap` registers."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from cabinet.models import Request, RequestItem, RequestKind, SimCard, SimState, SubscriberStatus
from cabinet.services.subscribers import rules
from cabinet.services.subscribers.handlers import locked_subscriber, record_change

ALREADY_TERMINATED = "обслуживание уже прекращено"


def terminate(session: Session, request: Request, item: RequestItem) -> str:
    """End the service of an active subscriber: the status becomes «Обслуживание прекращено» and the SIM card is
    retired (never handed out again). Refused if the subscriber is already terminated or not active."""
    subscriber = locked_subscriber(session, request, item)
    rules.require_not_terminated(subscriber, ALREADY_TERMINATED)
    rules.require_active(subscriber, "прекращение обслуживания недоступно")
    subscriber.status = SubscriberStatus.TERMINATED.value
    iccid = subscriber.sim_iccid
    if iccid:
        session.execute(update(SimCard.__table__)
                        .where(SimCard.iccid == iccid, SimCard.organization_id == request.organization_id)
                        .values(state=SimState.RETIRED))
    record_change(session, subscriber, request, "subscriber.terminated", iccid=iccid)
    return "Обслуживание прекращено" + (f", SIM-карта {iccid} выведена из обращения" if iccid else "")


HANDLERS = {RequestKind.TERMINATION: terminate}
FINISH_HOOKS: dict = {}
