"""Signing in (A1–A6): password, SMS code, account number, temporary password by e-mail, password change.

Every refusal reads the same whether or not the number or account exists; failures are counted per login
as typed, so a lockout does not reveal existence either.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass

from sqlmodel import Session, select

from cabinet import clock, settings
from cabinet.delivery.outbox import enqueue_email
from cabinet.delivery.sms import SmsGateway
from cabinet.models import OneTimeCode, Organization, Role, SignInThrottle, Subscriber, Tariff, User, UserSession
from cabinet.services import audit, validation
from cabinet.services.auth import sessions
from cabinet.services.auth.passwords import hash_password, keyed_hash, new_code, verify_password
from cabinet.services.errors import DomainError

MAX_FAILURES = 5
LOCK_TIME = dt.timedelta(minutes=15)
CODE_TTL = dt.timedelta(minutes=5)
CODE_MAX_ATTEMPTS = 5
RESEND_AFTER = dt.timedelta(seconds=60)
TEMP_PASSWORD_TTL = dt.timedelta(hours=24)

WRONG_PHONE_OR_PASSWORD = "Неверный номер телефона или пароль."
WRONG_ACCOUNT_OR_PASSWORD = "Неверный номер лицевого счета или пароль."
CODE_SENT = "Если номер зарегистрирован в Личном кабинете, на него отправлен SMS-код. Код действует 5 минут."
CODE_INVALID = "Код недействителен или срок его действия истек. Запросите новый код."
TEMP_SENT = (
    "Если номер зарегистрирован в Личном кабинете, временный пароль отправлен на адрес электронной почты, "
    "который ваша организация указала в заявлении на подключение. Пароль действует 24 часа."
)


@dataclass(frozen=True)
class SignInResult:
    token: str
    next_step: str  # change_password | choose_role | home
    roles: tuple[str, ...]


def _throttle(session: Session, login: str) -> SignInThrottle:
    row = session.get(SignInThrottle, login)
    if row is None:
        row = SignInThrottle(login=login)
    locked_until = row.locked_until
    if locked_until and clock.now() < locked_until:
        raise DomainError(
            f"Вход временно заблокирован после {MAX_FAILURES} неудачных попыток. "
            f"Повторите после {locked_until:%H:%M}."
        )
    return row


def _fail(session: Session, throttle: SignInThrottle, message: str) -> DomainError:
    """Count a failure for the login (committed even though the caller raises); lock at the limit."""
    now = clock.now()
    if throttle.locked_until and now >= throttle.locked_until:
        throttle.failed_count = 0
    throttle.failed_count += 1
    throttle.last_failed_at = now
    if throttle.failed_count >= MAX_FAILURES:
        throttle.locked_until = now + LOCK_TIME
        message = (
            f"Вход заблокирован на {int(LOCK_TIME.total_seconds() // 60)} минут после "
            f"{MAX_FAILURES} неудачных попыток. Повторите после {throttle.locked_until:%H:%M}."
        )
    session.add(throttle)
    audit.record(session, action="sign_in_failed", object_kind="login", object_id=throttle.login)
    session.commit()
    return DomainError(message)


def _succeed(session: Session, throttle: SignInThrottle, user: User) -> SignInResult:
    throttle.failed_count, throttle.locked_until = 0, None
    session.add(throttle)
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


def sign_in_with_password(session: Session, *, login_kind: str, login: str, password: str) -> SignInResult:
    """A1 (number), A2 (personal account number), A4 (SIP administrator's number), A5 (temporary password)."""
    if login_kind == "account":
        login, wrong = validation.account_number(login), WRONG_ACCOUNT_OR_PASSWORD
    else:
        login_kind, login, wrong = "phone", validation.phone_number(login), WRONG_PHONE_OR_PASSWORD
    throttle = _throttle(session, login)
    user = _user(session, login_kind, login)
    if user is None or not password:
        verify_password(password or "-", None)
        raise _fail(session, throttle, wrong)
    if verify_password(password, user.password_hash):
        user.must_change_password = False
    elif _temporary_password_matches(user, password):
        if user.temp_password_expires_at is None or clock.now() >= user.temp_password_expires_at:
            raise _fail(session, throttle, "Срок действия временного пароля истек. Запросите новый: «Забыли пароль».")
        user.temp_password_hash = user.temp_password_expires_at = None  # single use
        user.must_change_password = True
    else:
        raise _fail(session, throttle, wrong)
    if not _sip_admin_allowed(session, user):
        raise _fail(session, throttle, "Администратором Личного кабинета SIP может быть только номер с тарифным планом «SIP-соединение».")
    session.add(user)
    return _succeed(session, throttle, user)


def _temporary_password_matches(user: User, password: str) -> bool:
    return bool(user.temp_password_hash) and verify_password(password, user.temp_password_hash)


def _may_send_again(session: Session, throttle: SignInThrottle) -> None:
    last = throttle.last_message_at
    if last and clock.now() - last < RESEND_AFTER:
        wait = int((RESEND_AFTER - (clock.now() - last)).total_seconds()) + 1
        raise DomainError(f"Повторно запросить можно через {wait} с.")
    throttle.last_message_at = clock.now()
    session.add(throttle)


def request_sms_code(session: Session, *, login: str, gateway: SmsGateway) -> str:
    """A1: a 6-digit code by SMS, valid 5 minutes; a new one no sooner than 60 s after the last."""
    login = validation.phone_number(login)
    throttle = _throttle(session, login)
    _may_send_again(session, throttle)
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
    return CODE_SENT


def sign_in_with_code(session: Session, *, login: str, code: str) -> SignInResult:
    login = validation.phone_number(login)
    throttle = _throttle(session, login)
    user = _user(session, "phone", login)
    current = None
    if user is not None:
        current = session.exec(
            select(OneTimeCode)
            .where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
            .order_by(OneTimeCode.id.desc())
        ).first()
    if current is None or clock.now() >= current.expires_at or current.attempts >= CODE_MAX_ATTEMPTS:
        raise DomainError(CODE_INVALID)
    current.attempts += 1
    session.add(current)
    if keyed_hash((code or "").strip()) != current.code_hash:
        # A code has its own five tries; they do not lock the login on top of that.
        left = CODE_MAX_ATTEMPTS - current.attempts
        if left == 0:
            current.used_at = clock.now()
        audit.record(session, action="sign_in_failed", user_id=user.id, organization_id=user.organization_id)
        session.commit()
        raise DomainError("Превышено число попыток ввода кода. Запросите новый код." if left == 0
                          else f"Неверный код. Осталось попыток: {left}.")
    current.used_at = clock.now()
    if not _sip_admin_allowed(session, user):
        raise _fail(session, throttle, WRONG_PHONE_OR_PASSWORD)
    return _succeed(session, throttle, user)


def request_temporary_password(session: Session, *, login: str) -> str:
    """A5: «Забыли пароль» → «Идентификация через E-mail» → «Восстановить пароль».

    A temporary password goes to the e-mail the organisation gave in its application, with a link to the
    cabinet; it works once, for 24 hours, and must be changed at the first sign-in. The old password, if
    any, keeps working: a stranger asking for a reset must not lock the owner out.
    """
    login = validation.phone_number(login)
    throttle = _throttle(session, login)
    _may_send_again(session, throttle)
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
