"""Signed-in sessions: the token the browser holds, the role chosen, the account in view, expiry."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlmodel import Session, select

from cabinet import clock, settings
from cabinet.models import Organization, PersonalAccount, Role, User, UserSession
from cabinet.models.base import ACCOUNT_KIND_TITLES, ROLE_TITLES
from cabinet.services import audit
from cabinet.services.access import BY_LINK, SIGNED_IN, Actor, account_ids_for, accounts_for, serves
from cabinet.services.auth.passwords import keyed_hash, new_token
from cabinet.services.errors import AccessDenied, DomainError, SessionExpired

TOUCH_EVERY = dt.timedelta(minutes=1)  # how finely idleness is measured
HANDOVER_FOR = dt.timedelta(minutes=1)  # how long the browser has to take a new session's token as its cookie


class PasswordChangeRequired(DomainError):
    def __init__(self):
        super().__init__("Смените временный пароль на постоянный, чтобы продолжить.")


class RoleNotChosen(DomainError):
    def __init__(self):
        super().__init__("Выберите способ входа: Администратор или Супервайзер.")


@dataclass(frozen=True)
class AccountOption:
    id: int
    number: str
    kind: str
    title: str  # «Мобильная связь · 1010000000011»


@dataclass(frozen=True)
class SessionView:
    """What the shell shows about who is signed in."""

    login: str
    user_name: str
    organization_name: str
    role: str | None
    role_title: str
    roles: tuple[tuple[str, str], ...]  # (role, «Администратор») of every role the user holds
    must_change_password: bool
    accounts: tuple[AccountOption, ...]
    account_id: int | None

    @property
    def is_sip_admin(self) -> bool:
        return self.role == Role.SIP_ADMIN


def start(session: Session, *, user: User) -> str:
    """A new session for a user who has just proved who they are; returns the token for the browser."""
    token = new_token()
    now = clock.now()
    roles = user.roles
    user_session = UserSession(
        token_hash=keyed_hash(token),
        user_id=user.id,
        role=roles[0] if len(roles) == 1 else None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + dt.timedelta(hours=settings.get().session_absolute_hours),
    )
    if user_session.role:
        user_session.account_id = _first_account(session, user, user_session.role)
    session.add(user_session)
    audit.record(session, action="sign_in", user_id=user.id, organization_id=user.organization_id)
    return token


def _by_token(session: Session, token: str | None) -> UserSession | None:
    return session.exec(select(UserSession).where(UserSession.token_hash == keyed_hash(token or ""))).first()


@serves(SIGNED_IN)
def live(session: Session, token: str | None) -> tuple[UserSession, User]:
    """The session behind a token, if it is still alive; idle time is measured from the last action."""
    found = _by_token(session, token)
    return _alive(session, found, touch=True)


def _alive(session: Session, found: UserSession | None, *, touch: bool) -> tuple[UserSession, User]:
    """The session and its user if it has not ended, expired or been idle too long (then it is ended now); with
    `touch`, this counts as an action, written at most once every TOUCH_EVERY: a page that only reads writes
    nothing in between."""
    if found is None or found.ended_at is not None:
        raise SessionExpired()
    now = clock.now()
    idle_limit = dt.timedelta(minutes=settings.get().session_idle_minutes)
    if now >= found.expires_at or now - found.last_seen_at > idle_limit:
        found.ended_at, found.end_reason = now, "expired"
        session.add(found)
        session.commit()
        raise SessionExpired("Сеанс завершен из-за бездействия. Войдите снова.")
    if touch and now - found.last_seen_at >= TOUCH_EVERY:
        found.last_seen_at = now
        session.add(found)
    user = session.get(User, found.user_id)
    if user is None:
        raise SessionExpired()
    return found, user


def _first_account(session: Session, user: User, role: str) -> int | None:
    ids = account_ids_for(session, user, role)
    return ids[0] if ids else None


@serves(SIGNED_IN)
def actor_for(session: Session, *, token: str | None) -> Actor:
    """The actor every service call needs; refuses an expired session, an unchosen role, a pending change."""
    found = _by_token(session, token)
    return actor_of(session, found)


def actor_of(session: Session, user_session: UserSession | None, *, touch: bool = True) -> Actor:
    """The actor of a session as it is now (see actor_for); `touch=False` when the session's user is not acting
    in the page (a file fetched by a link the page handed out)."""
    user_session, user = _alive(session, user_session, touch=touch)
    if user.must_change_password:
        raise PasswordChangeRequired()
    if user_session.role is None:
        raise RoleNotChosen()
    if user_session.role not in user.roles:
        raise AccessDenied()
    accounts = accounts_for(session, user, user_session.role)
    session.commit()
    return Actor(
        user_id=user.id,
        organization_id=user.organization_id,
        role=user_session.role,
        accounts=frozenset(accounts),
        session_id=user_session.id,
    )


@serves(SIGNED_IN)
def view(session: Session, *, token: str | None) -> SessionView:
    user_session, user = live(session, token)
    organization = session.get(Organization, user.organization_id)
    accounts: tuple[AccountOption, ...] = ()
    if user_session.role:
        ids = account_ids_for(session, user, user_session.role)
        rows = session.exec(select(PersonalAccount).where(PersonalAccount.id.in_(ids))).all()
        accounts = tuple(
            AccountOption(a.id, a.number, a.kind, f"{ACCOUNT_KIND_TITLES[a.kind]} · {a.number}")
            for a in sorted(rows, key=lambda a: ids.index(a.id))
        )
    session.commit()
    return SessionView(
        login=user.login,
        user_name=user.full_name or user.login,
        organization_name=organization.name,
        role=user_session.role,
        role_title=ROLE_TITLES.get(user_session.role, "") if user_session.role else "",
        roles=tuple((role, ROLE_TITLES.get(role, role)) for role in user.roles),
        must_change_password=user.must_change_password,
        accounts=accounts,
        account_id=user_session.account_id,
    )


@serves(SIGNED_IN)
def choose_role(session: Session, *, token: str | None, role: str) -> SessionView:
    user_session, user = live(session, token)
    if role not in user.roles:
        raise AccessDenied("Эта роль вам не назначена. Выберите другую или обратитесь к администратору.")
    user_session.role = role
    user_session.account_id = _first_account(session, user, role)
    session.add(user_session)
    audit.record(session, action="choose_role", user_id=user.id, organization_id=user.organization_id, role=role)
    session.commit()
    return view(session, token=token)


@serves(SIGNED_IN)
def switch_account(session: Session, *, token: str | None, account_id: int) -> SessionView:
    actor = actor_for(session, token=token)
    if account_id not in actor.account_ids:
        raise AccessDenied()
    user_session = session.get(UserSession, actor.session_id)
    user_session.account_id = account_id
    session.add(user_session)
    session.commit()
    return view(session, token=token)


def _handover_mac(user_session: UserSession, until: int) -> str:
    return keyed_hash(f"handover:{user_session.id}:{until}:{user_session.token_hash}")


@serves(SIGNED_IN)
def handover(session: Session, *, token: str | None) -> str:
    """A ticket for the browser to fetch the session's cookie with (`adopt`): the token itself never reaches the
    page's JavaScript. Valid a minute, and once: adopting it changes the token it is bound to."""
    user_session, _user = live(session, token)
    session.commit()
    until = int((clock.now() + HANDOVER_FOR).timestamp())
    return f"{user_session.id}.{until}.{_handover_mac(user_session, until)}"


@serves(BY_LINK)
def adopt(session: Session, *, ticket: str) -> str:
    """The session of a handover ticket, given a new token (the one the browser keeps as an HttpOnly cookie)."""
    session_id, _, rest = ticket.partition(".")
    until, _, mac = rest.partition(".")
    if not (session_id.isdigit() and until.isdigit()) or clock.now().timestamp() > int(until):
        raise SessionExpired()
    found = session.get(UserSession, int(session_id))
    if found is None or not hmac.compare_digest(mac, _handover_mac(found, int(until))):
        raise SessionExpired()
    _alive(session, found, touch=False)
    token = new_token()
    found.token_hash = keyed_hash(token)
    session.add(found)
    session.commit()
    return token


@serves(SIGNED_IN)
def sign_out(session: Session, *, token: str | None) -> None:
    found = _by_token(session, token)
    if found is not None and found.ended_at is None:
        found.ended_at, found.end_reason = clock.now(), "sign_out"
        session.add(found)
        audit.record(session, action="sign_out", user_id=found.user_id)
        session.commit()


def end_all(session: Session, *, user_id: int, reason: str) -> None:
    live = session.exec(select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None)))
    for user_session in live:
        user_session.ended_at, user_session.end_reason = clock.now(), reason
        session.add(user_session)
