"""Signing in (A1–A6): password, SMS code, account number, temporary password by e-mail, password change.

Every refusal reads the same whether or not the number or account exists; failures are counted per login
as typed, so a lockout does not reveal existence either. The limits per client address (`address`, given by the
state) and per number, and the password lock, are counted in `limits`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from dataclasses import dataclass

from sqlmodel import Session, select

from cabinet import clock, settings
from cabinet.delivery.outbox import enqueue_email
from cabinet.delivery.sms import SmsGateway
from cabinet.models import OneTimeCode, Organization, Role, Subscriber, Tariff, User, UserSession
from cabinet.services import audit, validation
from cabinet.services.access import PUBLIC, SIGNED_IN, serves
from cabinet.services.auth import limits, sessions
from cabinet.services.auth.passwords import hash_password, keyed_hash, new_code, verify_password
from cabinet.services.errors import DomainError

CODE_TTL = dt.timedelta(minutes=5)
CODE_MAX_ATTEMPTS = 5
TEMP_PASSWORD_TTL = dt.timedelta(hours=24)

WRONG_PHONE_OR_PASSWORD = "Неверный номер телефона или пароль."
WRONG_ACCOUNT_OR_PASSWORD = "Неверный номер лицевого счета или пароль."
CODE_SENT = "Если номер зарегистрирован в Личном кабинете, на него отправлен SMS-код. Код действует 5 минут."
CODE_INVALID = "Код недействителен или срок его действия истек. Запросите новый код."
TEMP_SENT = (
    "Если номер зарегистрирован в Личном кабинете, временный пароль отправлен на адрес электронной почты, "
    "который ваша организация указала в заявлении на подключение. Пароль действует 24 часа."
)


class CodeNotDigits(DomainError):
    """What was typed as the SMS code cannot be one: refused before it spends a try or counts against a limit."""

    def __init__(self):
        super().__init__("Код состоит из цифр.")


@dataclass(frozen=True)
class CodeSent:
    message: str
    resend_at: dt.datetime  # the server's time of sending + 60 s: the moment a new code may be asked for


@dataclass(frozen=True)
class SignInResult:
    token: str
    next_step: str  # change_password | choose_role | home
    roles: tuple[str, ...]


def _fail(session: Session, message: str, *, login: str, address: str, counts_for_lock: bool = True,
          user: User | None = None) -> DomainError:
    """Count a failed sign-in against the address, and against the login's password lock unless told not to;
    committed even though the caller raises. When a hold starts, its refusal (the longest) replaces `message`."""
    holds = [limits.count(session, limits.SIGN_IN_FAILURES_PER_ADDRESS, address)]
    if counts_for_lock:
        holds.append(limits.count_password_failure(session, login))
    audit.record(session, action="sign_in_failed", object_kind="login", object_id=login,
                 user_id=user.id if user else None, organization_id=user.organization_id if user else None)
    session.commit()
    return max((hold for hold in holds if hold), key=lambda hold: hold.until, default=None) or DomainError(message)


def _succeed(session: Session, login: str, user: User) -> SignInResult:
    limits.forget_password_failures(session, login)
    token = sessions.start(session, user=user)
    session.commit()
    if user.must_change_password:
        step = "change_password"
    elif len(user.roles) > 1:
        step = "choose_role"
    else:
        step = "home"
    return SignInResult(token=token, next_step=step, roles=tuple(user.roles))


def _user(session: Session, login_kind: str, login: str) -> User | None:
    return session.exec(select(User).where(User.login_kind == login_kind, User.login == login)).first()


def _sip_admin_allowed(session: Session, user: User) -> bool:
    """Only a number on the tariff «SIP-соединение» may be the SIP administrator."""
    if Role.SIP_ADMIN not in user.roles:
        return True
    return bool(session.exec(
        select(Tariff.is_sip_connection).join(Subscriber, Subscriber.tariff_id == Tariff.id)
        .where(Subscriber.number == user.login)
    ).first())


@serves(PUBLIC)
def sign_in_with_password(session: Session, *, login_kind: str, login: str, password: str,
                          address: str = "") -> SignInResult:
    """A1 (number), A2 (personal account number), A4 (SIP administrator's number), A5 (temporary password).

    While the login's password lock holds, only the temporary password of «Восстановить пароль» is tried, and a
    wrong try counts against the address only: the owner's recovery gets in, guessing does not."""
    if login_kind == "account":
        login, wrong = validation.account_number(login), WRONG_ACCOUNT_OR_PASSWORD
    else:
        login_kind, login, wrong = "phone", validation.phone_number(login), WRONG_PHONE_OR_PASSWORD
    limits.refuse_if_held(session, limits.SIGN_IN_FAILURES_PER_ADDRESS, address)
    locked = limits.password_lock(session, login)

    def failed(message: str) -> DomainError:
        return _fail(session, locked.message if locked else message, login=login, address=address,
                     counts_for_lock=locked is None)

    user = _user(session, login_kind, login)
    if user is None or not password:
        verify_password(password or "-", None)
        raise failed(wrong)
    matched = _matching_password(user, password, locked=locked is not None)
    if matched == "permanent":
        user.must_change_password = False
    elif matched == "temporary":
        if user.temp_password_expires_at is None or clock.now() >= user.temp_password_expires_at:
            raise failed("Срок действия временного пароля истек. Запросите новый: «Забыли пароль».")
        user.temp_password_hash = user.temp_password_expires_at = None  # single use
        user.must_change_password = True
    else:
        raise failed(wrong)
    if not _sip_admin_allowed(session, user):
        raise failed("Администратором Личного кабинета SIP может быть только номер с тарифным планом «SIP-соединение».")
    session.add(user)
    return _succeed(session, login, user)


def _matching_password(user: User, password: str, *, locked: bool) -> str | None:
    """Which of the user's passwords this is: "permanent", "temporary" or None. While locked only the temporary
    one is tried, with one hash even when there is none, as for an unknown login."""
    if not locked:
        if verify_password(password, user.password_hash):
            return "permanent"
        if not user.temp_password_hash:
            return None
    return "temporary" if verify_password(password, user.temp_password_hash) else None


@serves(PUBLIC)
def request_sms_code(session: Session, *, login: str, gateway: SmsGateway, address: str = "") -> CodeSent:
    """A1: a 6-digit code by SMS, valid 5 minutes; a new one no sooner than 60 s after the last, and within the
    daily cap of the number and the hourly one of the address. The password lock does not hold codes. The answer
    reads the same, with the same resend moment, whether or not the number is registered."""
    login = validation.phone_number(login)
    limits.admit_message(session, login=login, address=address, per_address=limits.SMS_CODES_PER_ADDRESS,
                         per_number=limits.SMS_CODES_PER_NUMBER)
    user = _user(session, "phone", login)
    if user is not None:
        for old in session.exec(select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))):
            old.used_at = clock.now()  # only the newest code works
            session.add(old)
        code = new_code()
        session.add(OneTimeCode(user_id=user.id, code_hash=keyed_hash(code), expires_at=clock.now() + CODE_TTL))
        audit.record(session, action="sms_code_sent", user_id=user.id, organization_id=user.organization_id)
        session.commit()
        gateway.send(login, f"Код для входа в Личный кабинет: {code}. Никому не сообщайте его.")
    session.commit()
    return CodeSent(message=CODE_SENT, resend_at=limits.resend_at(session, login))


@serves(PUBLIC)
def sign_in_with_code(session: Session, *, login: str, code: str, address: str = "") -> SignInResult:
    """A1: the code sent by `request_sms_code`. Anything but digits is refused at once: it cannot be a code, so
    it spends none of the code's tries and counts against no limit."""
    login = validation.phone_number(login)
    code = (code or "").strip()
    if not re.fullmatch(r"[0-9]+", code):
        raise CodeNotDigits()
    limits.refuse_if_held(session, limits.SIGN_IN_FAILURES_PER_ADDRESS, address)
    user = _user(session, "phone", login)
    current = None
    if user is not None:
        current = session.exec(
            select(OneTimeCode)
            .where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
            .order_by(OneTimeCode.id.desc())
        ).first()
    if current is None or clock.now() >= current.expires_at or current.attempts >= CODE_MAX_ATTEMPTS:
        raise _fail(session, CODE_INVALID, login=login, address=address, counts_for_lock=False, user=user)
    current.attempts += 1
    session.add(current)
    if keyed_hash(code) != current.code_hash:
        # A code has its own five tries; they do not lock the login on top of that.
        left = CODE_MAX_ATTEMPTS - current.attempts
        if left == 0:
            current.used_at = clock.now()
        raise _fail(session, "Превышено число попыток ввода кода. Запросите новый код." if left == 0
                    else f"Неверный код. Осталось попыток: {left}.",
                    login=login, address=address, counts_for_lock=False, user=user)
    current.used_at = clock.now()
    if not _sip_admin_allowed(session, user):
        raise _fail(session, WRONG_PHONE_OR_PASSWORD, login=login, address=address, user=user)
    return _succeed(session, login, user)


@serves(PUBLIC)
def request_temporary_password(session: Session, *, login: str, address: str = "") -> str:
    """A5: «Забыли пароль» → «Идентификация через E-mail» → «Восстановить пароль».

    A temporary password goes to the e-mail the organisation gave in its application, with a link to the
    cabinet; it works once, for 24 hours, and must be changed at the first sign-in. The old password, if
    any, keeps working: a stranger asking for a reset must not lock the owner out. The password lock does
    not hold recovery; its own caps per number and per address do.
    """
    login = validation.phone_number(login)
    limits.admit_message(session, login=login, address=address, per_address=limits.RECOVERY_PER_ADDRESS,
                         per_number=limits.RECOVERY_PER_NUMBER)
    user = _user(session, "phone", login)
    organization = session.get(Organization, user.organization_id) if user else None
    if user is not None and organization.contact_email:
        password = _temporary_password()
        user.temp_password_hash = hash_password(password)
        user.temp_password_expires_at = clock.now() + TEMP_PASSWORD_TTL
        session.add(user)
        link = settings.get().public_url + "/"
        enqueue_email(
            session,
            recipients=[organization.contact_email],
            subject="Временный пароль для входа в Личный кабинет",
            body=(
                f"Здравствуйте!\n\nДля номера {login} запрошен временный пароль для входа в Личный кабинет.\n\n"
                f"Временный пароль: {password}\n"
                f"Действует до {user.temp_password_expires_at:%d.%m.%Y %H:%M} (24 часа).\n\n"
                f"Перейдите в Личный кабинет по ссылке {link} и измените временный пароль на постоянный "
                "при первом входе.\n\nЕсли вы не запрашивали пароль, просто удалите это письмо."
            ),
        )
        audit.record(session, action="temporary_password_sent", user_id=user.id, organization_id=user.organization_id)
    session.commit()
    return TEMP_SENT


def _temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


@serves(SIGNED_IN)
def change_password(session: Session, *, token: str | None, new_password: str, current_password: str | None = None) -> str:
    """Sets a permanent password; ends every session of the user and returns a fresh token for this one.

    After a temporary password the current one is not asked again (it was just proved)."""
    user_session, user = sessions.live(session, token)
    if not user.must_change_password and not verify_password(current_password or "", user.password_hash):
        raise DomainError("Текущий пароль указан неверно.")
    validation.new_password(new_password, login=user.login)
    if user.password_hash and verify_password(new_password, user.password_hash) and user.must_change_password is False:
        raise DomainError("Новый пароль должен отличаться от текущего.")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.password_changed_at = clock.now()
    session.add(user)
    sessions.end_all(session, user_id=user.id, reason="password_changed")
    audit.record(session, action="password_changed", user_id=user.id, organization_id=user.organization_id)
    token = sessions.start(session, user=user)
    if user_session.role:
        fresh = session.exec(select(UserSession).where(UserSession.token_hash == keyed_hash(token))).one()
        fresh.role, fresh.account_id = user_session.role, user_session.account_id
        session.add(fresh)
    session.commit()
    return token
