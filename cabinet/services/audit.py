"""Writing the audit log, in the caller's transaction."""

from __future__ import annotations

from sqlmodel import Session

from cabinet.models import AuditEvent
from cabinet.services.access import Actor


def record(
    session: Session,
    *,
    action: str,
    actor: Actor | None = None,
    user_id: int | None = None,
    organization_id: int | None = None,
    account_id: int | None = None,
    object_kind: str = "",
    object_id: object = "",
    **details,
) -> None:
    session.add(
        AuditEvent(
            user_id=actor.user_id if actor else user_id,
            organization_id=actor.organization_id if actor else organization_id,
            account_id=account_id,
            action=action,
            object_kind=object_kind,
            object_id=str(object_id),
            details={k: (v if isinstance(v, (int, float, bool, type(None))) else str(v)) for k, v in details.items()},
        )
    )
