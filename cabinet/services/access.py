"""Who is acting, and the checks every service makes before touching an object."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from cabinet.models import AccountKind, PersonalAccount, Request, Role, Subscriber, User, UserAccount
from cabinet.services.errors import AccessDenied


@dataclass(frozen=True)
class Actor:
    """The signed-in user in the role chosen for this session, with the accounts that role may act on."""

    user_id: int
    organization_id: int
    role: str
    account_ids: frozenset[int]
    session_id: int | None = None

    @property
    def is_sip_admin(self) -> bool:
        return self.role == Role.SIP_ADMIN


def account_for(session: Session, actor: Actor, account_id: int) -> PersonalAccount:
    """The account, if the actor's role covers it; the same refusal whether it exists or not."""
    account = session.get(PersonalAccount, account_id) if account_id in actor.account_ids else None
    if account is None or account.organization_id != actor.organization_id:
        raise AccessDenied()
    return account


def subscriber_for(session: Session, actor: Actor, subscriber_id: int) -> Subscriber:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.account_id not in actor.account_ids:
        raise AccessDenied()
    account_for(session, actor, subscriber.account_id)
    return subscriber


def subscriber_by_number(session: Session, actor: Actor, account_id: int, number: str) -> Subscriber:
    account_for(session, actor, account_id)
    subscriber = session.exec(
        select(Subscriber).where(Subscriber.account_id == account_id, Subscriber.number == number)
    ).first()
    if subscriber is None:
        raise AccessDenied("Абонент с таким номером не найден на этом лицевом счете.")
    return subscriber


def request_for(session: Session, actor: Actor, request_id: int) -> Request:
    request = session.get(Request, request_id)
    if request is None or request.account_id not in actor.account_ids:
        raise AccessDenied()
    account_for(session, actor, request.account_id)
    return request


def account_ids_for(session: Session, user: User, role: str) -> list[int]:
    """The accounts a role covers: a Supervisor sees all the company's mobile and fixed accounts, an
    Administrator its own account(s), the SIP administrator the SIP account of its number."""
    query = select(PersonalAccount.id).where(PersonalAccount.organization_id == user.organization_id)
    if role == Role.SUPERVISOR:
        query = query.where(PersonalAccount.kind.in_([AccountKind.MOBILE, AccountKind.FIXED]))
    else:
        wanted = [AccountKind.SIP] if role == Role.SIP_ADMIN else [AccountKind.MOBILE, AccountKind.FIXED]
        query = query.join(UserAccount, UserAccount.account_id == PersonalAccount.id).where(
            UserAccount.user_id == user.id, PersonalAccount.kind.in_(wanted)
        )
    return list(session.exec(query.order_by(PersonalAccount.kind.desc(), PersonalAccount.number)))

