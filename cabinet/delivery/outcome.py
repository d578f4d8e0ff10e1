"""What one attempt at a letter came to, judged from what aiosmtplib returned or raised, and how a user reads it.

A 5xx reply is permanent: the same letter would be refused again, so it is not tried again. Anything else (a 4xx
reply, a refused sign-in of the cabinet itself, which its operator must mend, a refused or dropped connection, a server that does not answer within SMTP_TIMEOUT) is temporary and tried
again with a growing wait, until MAX_ATTEMPTS. A letter the server took for some of its recipients is sent: those
it refused are recorded with the server's reply and not tried again, as a second attempt would also reach the
recipients who already have it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiosmtplib

from cabinet import clock
from cabinet.text import next_minute

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
_REPLY_LENGTH = 200

SENT, PENDING, FAILED = "sent", "pending", "failed"  # the outbox row's status


@dataclass(frozen=True)
class Letter:
    """The facts of one outbox row the outcome of an attempt needs, read before any network I/O."""

    id: int
    recipients: list[str]
    attempts: int  # before this attempt
    request_id: int | None = None
    request_item_id: int | None = None
    sent_text: str = ""


@dataclass(frozen=True)
class Outcome:
    """An attempt's end: the row's new status, and what the letter's item (or request) says now (`text`)."""

    letter: Letter
    status: str  # SENT, PENDING (tried again at next_attempt_at) or FAILED
    text: str
    attempts: int
    reason: str = ""  # why it was not delivered, in Russian words
    error: str = ""  # what the library said, for the operator
    refused: Mapping[str, str] = field(default_factory=dict)  # recipient -> the server's reply
    next_attempt_at: dt.datetime | None = None  # none when sent


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, ... at most an hour."""
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


# --- the words ---------------------------------------------------------------------------------------------------

def queued(recipients: list[str]) -> str:
    return f"Письмо на {', '.join(recipients)} ставится в очередь"


def delivered(sent_text: str, recipients: list[str], refused: Mapping[str, str]) -> str:
    """«Счет отправлен на a@b; не доставлено на c@d: 550 …»"""
    accepted = ", ".join(r for r in recipients if r not in refused)
    return "; ".join([f"{sent_text or 'Письмо отправлено'} на {accepted}",
                      *(f"не доставлено на {address}: {reply}" for address, reply in refused.items())])


def retrying(reason: str, at: dt.datetime) -> str:
    return f"Письмо не отправлено: {reason}, следующая попытка в {next_minute(at):%H:%M}"


def undelivered(reason: str) -> str:
    return f"Письмо не доставлено: {reason}"


def reply(code: int, message: str) -> str:
    """The server's reply on one line, bounded: «550 5.1.1 User unknown»."""
    text = f"{code} {' '.join(str(message).split())}"
    return text if len(text) <= _REPLY_LENGTH else text[:_REPLY_LENGTH - 1] + "…"


def _refusals(refused: Mapping[str, str]) -> str:
    whom = "получателю" if len(refused) == 1 else "получателям"
    return f"{whom} " + ", ".join(f"{address} ({why})" for address, why in refused.items())


def judged(exc: BaseException) -> tuple[bool, str]:
    """(permanent, the reason in Russian words) of an attempt that raised `exc`."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        refused = {r.recipient: reply(r.code, r.message) for r in exc.recipients}
        if all(r.code >= 500 for r in exc.recipients):
            return True, f"почтовый сервер отказал {_refusals(refused)}"
        return False, f"почтовый сервер временно не принимает письма ({'; '.join(dict.fromkeys(refused.values()))})"
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):  # the cabinet's own mail settings, not the letter
        return False, f"почтовый сервер не принял вход Личного кабинета ({reply(exc.code, exc.message)})"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        said = reply(exc.code, exc.message)
        if exc.code < 500:
            return False, f"почтовый сервер временно не принимает письма ({said})"
        if isinstance(exc, aiosmtplib.SMTPSenderRefused):
            return True, f"почтовый сервер отказал отправителю {exc.sender} ({said})"
        return True, f"почтовый сервер не принял письмо ({said})"
    if isinstance(exc, TimeoutError):
        return False, "почтовый сервер не ответил вовремя"
    if isinstance(exc, (OSError, aiosmtplib.SMTPException)):
        return False, "почтовый сервер временно недоступен"
    return False, "письмо не удалось подготовить к отправке"


# --- outcomes ----------------------------------------------------------------------------------------------------

def accepted(letter: Letter, refused: Mapping[str, str]) -> Outcome:
    """The server took the letter, for all its recipients but those in `refused`."""
    return Outcome(letter, SENT, delivered(letter.sent_text, letter.recipients, refused), letter.attempts + 1,
                   reason=f"почтовый сервер отказал {_refusals(refused)}" if refused else "", refused=dict(refused))


def failed(letter: Letter, exc: BaseException) -> Outcome:
    """The attempt raised `exc`: try again later, or give up when it is permanent or the last attempt."""
    attempts = letter.attempts + 1
    permanent, reason = judged(exc)
    error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    at = clock.now() + backoff(attempts)  # kept on a failed row too: when it would have been tried again
    if permanent:
        return Outcome(letter, FAILED, undelivered(reason), attempts, reason, error, next_attempt_at=at)
    if attempts >= MAX_ATTEMPTS:
        reason = f"{reason} (попыток: {attempts})"
        return Outcome(letter, FAILED, undelivered(reason), attempts, reason, error, next_attempt_at=at)
    return Outcome(letter, PENDING, retrying(reason, at), attempts, reason, error, next_attempt_at=at)
