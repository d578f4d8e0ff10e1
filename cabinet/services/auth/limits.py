"""Abuse limits at the sign-in door (A6, DESIGN §5): per client address, per number, and the password lock.

The address is what the Reflex state reads from `router.session.client_ip`: the websocket's peer, or, when
rxconfig names `trusted_proxy_hops`, the hop the trusted proxies appended to X-Forwarded-For. The header's
first hop is never used: the browser writes it, so trusting it would let anyone dodge every per-address limit by
changing it, or spend someone else's allowance by copying their address. IPv6 addresses count per /64, the
block one line gets. Logins are counted as typed, known or not, so no limit tells whether a number exists.

The numbers, and why:

- 20 failed sign-ins (password or SMS code) per address in 10 minutes, then a 15-minute hold. Companies sign in
  from offices behind one NAT address, and a number locks after 5 failures of its own, so 20 is four people's
  typos at once; a guesser at one address gets at most 20 tries per 15 minutes over all numbers. A success does not
  clear it, or one account of the guesser's own would wash the count between guesses.
- 20 SMS codes per address per hour, and 10 per number per 24 hours, beside the 60 s resend delay. Each code
  costs money and lands on someone's phone: a person needs one or two a day, 10 leaves room for lost messages,
  and at 5 tries a code it caps guessing at 50 tries in a million a day.
- 10 temporary-password requests per address per hour, and 5 per number per 24 hours. Each request mails the
  organisation a new temporary password: the cap keeps a stranger from flooding its mailbox, and never stops the
  owner, whose last mail still holds a valid password.
- The password lock of a number: 5 failures in a row lock it for 1 minute, each further failure for twice as
  long, at most 15 minutes; a success, or a day without failures, forgets them. The owner who mistyped waits a
  minute, a guesser gets about 100 tries a day at one number. It holds the password only: the temporary password
  from «Восстановить пароль» still signs in and the SMS code has its own tries and daily cap, so a stranger
  hammering a number cannot keep its owner out.

Every refusal says when to try again. The start of every hold is an audit event; the refusals during a hold
are not, so hammering a closed door writes nothing. Nothing here commits: the callers do, at once.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, delete, select, update

from cabinet import clock
from cabinet.models import AbuseCounter, SignInThrottle
from cabinet.services import audit
from cabinet.services.errors import DomainError
from cabinet.text import next_minute

PASSWORD_FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = dt.timedelta(minutes=1)
LONGEST_LOCK = dt.timedelta(minutes=15)
FAILURES_FORGOTTEN_AFTER = dt.timedelta(hours=24)
RESEND_AFTER = dt.timedelta(seconds=60)


class TryLater(DomainError):
    """A limit holds the door until `until`; the message says when to come back."""

    def __init__(self, reason: str, until: dt.datetime):
        super().__init__(f"{reason} Повторите после {_moment(until)}.")
        self.until = until


def _moment(until: dt.datetime) -> str:
    """The first whole minute at which a try is admitted: «14:35» today, «17.11.2026 09:12» another day."""
    shown = next_minute(until)
    return f"{shown:%H:%M}" if shown.date() == clock.today() else f"{shown:%d.%m.%Y %H:%M}"


@dataclass(frozen=True)
class Limit:
    scope: str  # the counter's name in the table and in the audit
    subject_kind: str  # address | login
    allowed: int  # hits within the window; the hit that reaches it starts the hold
    within: dt.timedelta
    hold: dt.timedelta | None  # None: until the window ends
    reason: str  # the refusal's first sentence; {allowed} is filled in


SIGN_IN_FAILURES_PER_ADDRESS = Limit(
    "sign_in_failures_per_address", "address", 20, dt.timedelta(minutes=10), dt.timedelta(minutes=15),
    "Слишком много неудачных попыток входа с вашего адреса.")
SMS_CODES_PER_ADDRESS = Limit(
    "sms_codes_per_address", "address", 20, dt.timedelta(hours=1), None,
    "Слишком много запросов SMS-кода с вашего адреса.")
SMS_CODES_PER_NUMBER = Limit(
    "sms_codes_per_number", "login", 10, dt.timedelta(hours=24), None,
    "На один номер можно отправить не более {allowed} SMS-кодов в сутки.")
RECOVERY_PER_ADDRESS = Limit(
    "recovery_per_address", "address", 10, dt.timedelta(hours=1), None,
    "Слишком много запросов временного пароля с вашего адреса.")
RECOVERY_PER_NUMBER = Limit(
    "recovery_per_number", "login", 5, dt.timedelta(hours=24), None,
    "Временный пароль для одного номера можно запросить не более {allowed} раз в сутки.")
LIMITS = (SIGN_IN_FAILURES_PER_ADDRESS, SMS_CODES_PER_ADDRESS, SMS_CODES_PER_NUMBER, RECOVERY_PER_ADDRESS,
          RECOVERY_PER_NUMBER)
_LONGEST_WINDOW = max(limit.within for limit in LIMITS)


def _refusal(limit: Limit, until: dt.datetime) -> TryLater:
    return TryLater(limit.reason.format(allowed=limit.allowed), until)


def address_key(address: str) -> str:
    """The subject an address is counted as: the address itself, an IPv6 one by its /64."""
    address = address.strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _subject(limit: Limit, subject: str) -> str:
    return address_key(subject) if limit.subject_kind == "address" else subject


Row = TypeVar("Row", bound=SQLModel)


def _row_for_update(session: Session, model: type[Row], key: dict, **initial) -> tuple[Row, bool]:
    """The row of `key`, created if missing, locked until the caller commits (PostgreSQL; SQLite has one writer
    anyway), so that requests arriving together each count. Also says whether it was just created."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    created = session.exec(insert(model).values(**key, **initial).on_conflict_do_nothing()).rowcount
    row = session.exec(
        select(model).filter_by(**key).with_for_update().execution_options(populate_existing=True)
    ).one()
    return row, bool(created)


def refuse_if_held(session: Session, limit: Limit, subject: str) -> None:
    row = session.get(AbuseCounter, (limit.scope, _subject(limit, subject)))
    if row is not None and row.blocked_until and clock.now() < row.blocked_until:
        raise _refusal(limit, row.blocked_until)


def count(session: Session, limit: Limit, subject: str) -> TryLater | None:
    """One more hit against the limit. The hit that reaches it starts the hold, audited, and gets the refusal
    that the next tries will get."""
    now, subject = clock.now(), _subject(limit, subject)
    row, created = _row_for_update(session, AbuseCounter, dict(scope=limit.scope, subject=subject),
                                   window_started_at=now, hits=0)
    if created:  # a new subject: a good moment to drop the counters whose windows all ended long ago
        session.exec(delete(AbuseCounter).where(col(AbuseCounter.window_started_at) < now - _LONGEST_WINDOW))
    if now >= row.window_started_at + limit.within:
        row.window_started_at, row.hits = now, 0
    row.hits += 1
    session.add(row)
    if row.hits < limit.allowed:
        return None
    until = now + limit.hold if limit.hold else row.window_started_at + limit.within
    row.blocked_until, row.window_started_at, row.hits = until, until, 0  # the next window opens after the hold
    audit.record(session, action="abuse_limit_reached", object_kind=limit.subject_kind, object_id=subject[:40],
                 limit=limit.scope, until=until)
    return _refusal(limit, until)


def take(session: Session, *counted: tuple[Limit, str]) -> None:
    """Refused while any of the limits holds its subject; otherwise one hit against each."""
    for limit, subject in counted:
        refuse_if_held(session, limit, subject)
    for limit, subject in counted:
        count(session, limit, subject)


def admit_message(session: Session, *, login: str, address: str, per_address: Limit, per_number: Limit) -> None:
    """Before an SMS code or a temporary password goes out to `login`: the resend delay, then the address's and
    the number's caps, each counting this message."""
    throttle = session.get(SignInThrottle, login)
    last = throttle.last_message_at if throttle else None
    if last and clock.now() - last < RESEND_AFTER:
        wait = math.ceil((RESEND_AFTER - (clock.now() - last)).total_seconds())
        raise DomainError(f"Повторно запросить можно через {wait} с.")
    take(session, (per_address, address), (per_number, login))
    throttle, _ = _row_for_update(session, SignInThrottle, dict(login=login), failed_count=0)
    throttle.last_message_at = clock.now()
    session.add(throttle)


def resend_at(session: Session, login: str) -> dt.datetime:
    """When the next SMS code or temporary password for `login` may go out: 60 s after the last one sent."""
    throttle = session.get(SignInThrottle, login)
    last = throttle.last_message_at if throttle and throttle.last_message_at else clock.now() - RESEND_AFTER
    return last + RESEND_AFTER


# --- the password lock of one login -----------------------------------------------------------------------------

def _lock_refusal(throttle: SignInThrottle) -> TryLater:
    return TryLater(f"Вход по паролю временно заблокирован после {throttle.failed_count} неудачных попыток.",
                    throttle.locked_until)


def password_lock(session: Session, login: str) -> TryLater | None:
    """The refusal while the login's password lock holds, else None."""
    throttle = session.get(SignInThrottle, login)
    if throttle and throttle.locked_until and clock.now() < throttle.locked_until:
        return _lock_refusal(throttle)
    return None


def count_password_failure(session: Session, login: str) -> TryLater | None:
    """One more failure in a row; from the fifth on each locks the password, twice as long as the one before."""
    now = clock.now()
    throttle, _ = _row_for_update(session, SignInThrottle, dict(login=login), failed_count=0)
    if throttle.last_failed_at and now - throttle.last_failed_at >= FAILURES_FORGOTTEN_AFTER:
        throttle.failed_count = 0
    throttle.failed_count += 1
    throttle.last_failed_at = now
    session.add(throttle)
    beyond = throttle.failed_count - PASSWORD_FAILURES_BEFORE_LOCK
    if beyond < 0:
        return None
    throttle.locked_until = now + min(FIRST_LOCK * 2 ** min(beyond, 10), LONGEST_LOCK)
    audit.record(session, action="sign_in_locked", object_kind="login", object_id=login,
                 failures=throttle.failed_count, until=throttle.locked_until)
    return _lock_refusal(throttle)


def forget_password_failures(session: Session, login: str) -> None:
    """The owner got in: the lock and its count start again from nothing."""
    session.exec(update(SignInThrottle).where(col(SignInThrottle.login) == login)
                 .values(failed_count=0, locked_until=None))
