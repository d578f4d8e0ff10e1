"""Who is acting, and the checks every service makes before touching an object."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from cabinet.models import AccountKind, PersonalAccount, Request, Role, Subscriber, User, UserAccount
from cabinet.services.errors import AccessDenied
from cabinet.services.validation import bounded


@dataclass(frozen=True)
class Actor:
    """The signed-in user in the role chosen for this session, with the accounts that role may act on (each with
    its kind, as read when the actor was made)."""

    user_id: int
    organization_id: int
    role: str
    accounts: frozenset[tuple[int, str]]  # (account id, AccountKind)
    session_id: int | None = None

    @property
    def account_ids(self) -> frozenset[int]:
        return frozenset(account_id for account_id, _ in self.accounts)

    @property
    def is_sip_admin(self) -> bool:
        return self.role == Role.SIP_ADMIN


def account_for(session: Session, actor: Actor, account_id: int) -> PersonalAccount:
    """The account, if the actor's role covers it; the same refusal whether it exists or not."""
    account = session.get(PersonalAccount, account_id) if account_id in actor.account_ids else None
    if (account is None or account.organization_id != actor.organization_id
            or (account.id, account.kind) not in actor.accounts):
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


def accounts_for(session: Session, user: User, role: str) -> list[tuple[int, str]]:
    """The accounts a role covers, with their kinds: a Supervisor sees all the company's mobile and fixed
    accounts, an Administrator its own account(s), the SIP administrator the SIP account of its number."""
    query = select(PersonalAccount.id, PersonalAccount.kind).where(
        PersonalAccount.organization_id == user.organization_id)
    if role == Role.SUPERVISOR:
        query = query.where(col(PersonalAccount.kind).in_([AccountKind.MOBILE, AccountKind.FIXED]))
    else:
        wanted = [AccountKind.SIP] if role == Role.SIP_ADMIN else [AccountKind.MOBILE, AccountKind.FIXED]
        query = query.join(UserAccount, col(UserAccount.account_id) == PersonalAccount.id).where(
            UserAccount.user_id == user.id, col(PersonalAccount.kind).in_(wanted)
        )
    return [(int(account_id), str(kind)) for account_id, kind in
            session.exec(query.order_by(col(PersonalAccount.kind).desc(), PersonalAccount.number))]


def account_ids_for(session: Session, user: User, role: str) -> list[int]:
    return [account_id for account_id, _ in accounts_for(session, user, role)]


# --- who may call a service ---------------------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])

_COMPANY_KINDS = frozenset({AccountKind.MOBILE, AccountKind.FIXED})


@dataclass(frozen=True)
class Serves:
    """Who a service serves: each role it admits, with the kinds of account that role may reach through it.
    `how` says where the actor comes from: the signed-in session's actor (`actor`), a session token the service
    resolves itself (`token`), a signed link (`link`), or nobody yet (`public`: signing in)."""

    name: str
    grants: tuple[tuple[str, frozenset[str]], ...] = ()
    how: str = "actor"

    def kinds_for(self, role: str) -> frozenset[str]:
        return next((kinds for granted, kinds in self.grants if granted == role), frozenset())

    def __or__(self, other: Serves) -> Serves:
        return Serves(f"{self.name}|{other.name}", self.grants + other.grants, self.how)


COMPANY = Serves("company", ((Role.ADMINISTRATOR, _COMPANY_KINDS), (Role.SUPERVISOR, _COMPANY_KINDS)))
SIP = Serves("sip", ((Role.SIP_ADMIN, frozenset({AccountKind.SIP})),))
EVERY_CABINET = COMPANY | SIP  # the same page in both cabinets, each role on its own kinds of account
SIGNED_IN = Serves("signed-in", how="token")  # the session itself: whoever holds a live token
PUBLIC = Serves("public", how="public")  # before signing in: no actor, nothing of any account read
BY_LINK = Serves("by-link", how="link")  # the actor comes from the link, and is admitted by the service it calls


def admit(actor: Actor, serves: Serves) -> Actor:
    """The actor as a service that `serves` sees it: refused unless its role is admitted, and narrowed to the
    accounts of the kinds that role may reach there. Checked before the service reads anything."""
    if not isinstance(actor, Actor):
        raise AccessDenied()
    kinds = serves.kinds_for(actor.role)
    if not kinds:
        raise AccessDenied()
    return replace(actor, accounts=frozenset(account for account in actor.accounts if account[1] in kinds))


def serves(declared: Serves) -> Callable[[F], F]:
    """Declare who a service serves. Every call has its text bounded (`validation.bounded`); a service called
    with an actor (`fn(session, *, actor, ...)`) gets the actor admitted (see `admit`) before its body runs."""

    def declare(fn: F) -> F:
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            bounded(kwargs)
            if declared.how == "actor":
                kwargs["actor"] = admit(kwargs.get("actor"), declared)
            return fn(*args, **kwargs)

        checked.serves = declared
        return checked  # type: ignore[return-value]

    return declare


def declared(service: Callable) -> Serves | None:
    """Who a service serves, as declared; None for a function that is not a service (no declaration)."""
    return getattr(service, "serves", None)
