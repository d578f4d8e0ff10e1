"""People who sign in, the accounts each may act on, and a short history of their requests."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlmodel import Session

from cabinet.models import ItemStatus, Request, RequestItem, RequestKind, RequestStatus, User, UserAccount
from cabinet.seed.catalogue import Catalogue
from cabinet.seed.rows import add_months, at, ids_by, insert_rows
from cabinet.seed.subscribers import ACTIVE, Sub
from cabinet.services.auth.passwords import hash_password


@dataclass(frozen=True)
class UserSpec:
    login: str
    login_kind: str  # phone | account
    full_name: str
    password: str | None  # None: no password yet (the SIP administrator's first registration)
    roles: tuple[str, ...]
    account_ids: tuple[int, ...]


def insert_users(session: Session, organization_id: int, specs: list[UserSpec], *, today: dt.date) -> dict[str, int]:
    """Write the users (only these few passwords are hashed: argon2 is slow on purpose); {login: id}."""
    created = at(today - dt.timedelta(days=400), 9, 30)
    insert_rows(session, User, [
        dict(organization_id=organization_id, login_kind=spec.login_kind, login=spec.login,
             full_name=spec.full_name, password_hash=hash_password(spec.password) if spec.password else None,
             roles=[str(role) for role in spec.roles], must_change_password=False, temp_password_hash=None,
             temp_password_expires_at=None, password_changed_at=created if spec.password else None,
             created_at=created)
        for spec in specs
    ])
    ids = ids_by(session, User, "login", User.organization_id == organization_id)
    insert_rows(session, UserAccount, [
        dict(user_id=ids[spec.login], account_id=account_id) for spec in specs for account_id in spec.account_ids
    ])
    return ids


def _request(session: Session, *, key: str, organization_id: int, account_id: int, author_id: int, kind: str,
             created: dt.datetime, params: dict, items: list[tuple[Sub, dict, str]], summary: str) -> None:
    finished = created + dt.timedelta(minutes=3)
    request_id = session.connection().execute(Request.__table__.insert().values(  # type: ignore[index]
        organization_id=organization_id, account_id=account_id, author_id=author_id, kind=kind,
        status=RequestStatus.DONE.value, params=params, idempotency_key=key, created_at=created,
        started_at=created + dt.timedelta(seconds=20), finished_at=finished, expected_on=created.date(),
        total_items=len(items), done_items=len(items), refused_items=0, summary=summary,
    )).inserted_primary_key[0]
    insert_rows(session, RequestItem, [
        dict(request_id=request_id, position=position, subscriber_id=sub.id, number=sub.number, params=item_params,
             status=ItemStatus.DONE.value, result=result, claimed_by=None, lease_until=None, attempts=1,
             processed_at=finished)
        for position, (sub, item_params, result) in enumerate(items, start=1)
    ])


def insert_request_history(
    session: Session, rng: random.Random, *, organization_id: int, account_id: int, author_id: int,
    subs: list[Sub], catalogue: Catalogue, email: str, today: dt.date,
) -> None:
    """Three finished requests from the last two months, so «История заявок» is not empty."""
    last_month, before = add_months(today, -1), add_months(today, -2)
    own = subs[:2]
    _request(
        session, key="seed-call-detail-1", organization_id=organization_id, account_id=account_id,
        author_id=author_id, kind=RequestKind.CALL_DETAIL.value, created=at(last_month.replace(day=12), 10, 15),
        params={"year": before.year, "month": before.month, "email": email, "numbers": [s.number for s in own]},
        items=[(s, {}, f"Детализация отправлена на {email}") for s in own],
        summary=f"Детализация за {before:%m.%Y} отправлена на {email}",
    )
    service = catalogue.services["roam_europe"]
    without = [s for s in subs[3:] if s.status == ACTIVE and catalogue.mode(s.tariff, service.code) == "allowed"
               and all(code != service.code for code, _ in s.services)]
    chosen = rng.sample(without, 3)
    _request(
        session, key="seed-services-1", organization_id=organization_id, account_id=account_id,
        author_id=author_id, kind=RequestKind.SERVICES.value, created=at(last_month.replace(day=20), 14, 40),
        params={"action": "disconnect", "service_id": service.id, "service_code": service.code,
                "service_name": service.name, "numbers": [s.number for s in chosen]},
        items=[(s, {"action": "disconnect", "service_id": service.id}, f"Услуга «{service.name}» отключена")
               for s in chosen],
        summary=f"Услуга «{service.name}» отключена у {len(chosen)} абонентов",
    )
    renamed = rng.choice([s for s in subs[3:] if s.status == ACTIVE])
    _request(
        session, key="seed-rename-1", organization_id=organization_id, account_id=account_id,
        author_id=author_id, kind=RequestKind.RENAME.value, created=at(before.replace(day=7), 11, 5),
        params={"name": renamed.name, "numbers": [renamed.number]},
        items=[(renamed, {"name": renamed.name}, f"Новое имя: {renamed.name}")],
        summary="Абонент переименован",
    )
