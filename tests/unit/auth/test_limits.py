"""Abuse limits at the sign-in door (A6, DESIGN §5): per address, per number, the progressive password lock."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import AuditEvent, OutboxEmail
from cabinet.services.auth import limits, sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.auth.passwords import hash_password
from cabinet.services.auth.sessions import PasswordChangeRequired
from cabinet.services.errors import DomainError
from tests.unit.factories import SmsInbox, make_org, make_user

PASSWORD = "Right#2026"
GUESSER, OWNER = "203.0.113.66", "198.51.100.7"
UNKNOWN = "375299999999"


@pytest.fixture
def numbers(session):
    """Ten numbers of one company, each with the password PASSWORD."""
    org = make_org(session)
    users = [make_user(session, org, password_hash=hash_password(PASSWORD)) for _ in range(10)]
    session.commit()
    return [user.login for user in users]


def sign_in(session, login, password, address=GUESSER):
    return auth.sign_in_with_password(session, login_kind="phone", login=login, password=password, address=address)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as refusal:
        call(*args, **kwargs)
    return refusal.value.message


def holds_reached(session) -> list[tuple[str, str]]:
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "abuse_limit_reached")).all()
    return [(event.details["limit"], event.object_id) for event in events]


def locks(session) -> list[str]:
    return list(session.exec(select(AuditEvent.object_id).where(AuditEvent.action == "sign_in_locked")))


def code_request(session, login, address=GUESSER, phone=None):
    return auth.request_sms_code(session, login=login, gateway=phone or SmsInbox(), address=address)


def recovery(session, login, address=GUESSER):
    return auth.request_temporary_password(session, login=login, address=address)


# --- per address -------------------------------------------------------------------------------------------------

def test_twenty_failures_from_one_address_hold_it_fifteen_minutes_whatever_the_numbers(session, numbers):
    for attempt in range(limits.SIGN_IN_FAILURES_PER_ADDRESS.allowed - 1):
        assert refused(sign_in, session, numbers[attempt % 10], "wrong") == auth.WRONG_PHONE_OR_PASSWORD
    assert refused(sign_in, session, numbers[0], "wrong") == (
        "Слишком много неудачных попыток входа с вашего адреса. Повторите после 10:15.")
    assert holds_reached(session) == [("sign_in_failures_per_address", GUESSER)]
    assert locks(session) == []  # two failures a number: no number is locked, the address is

    assert "с вашего адреса" in refused(sign_in, session, numbers[5], PASSWORD)  # the right password waits too
    assert "с вашего адреса" in refused(auth.sign_in_with_code, session, login=numbers[5], code="123456",
                                        address=GUESSER)
    assert sign_in(session, numbers[5], PASSWORD, address=OWNER).next_step == "home"
    clock.advance(minutes=15)
    assert sign_in(session, numbers[5], PASSWORD).next_step == "home"


def test_failures_spread_beyond_ten_minutes_do_not_add_up_and_successes_do_not_wash_them(session, numbers):
    strangers = iter(f"37544{n:07d}" for n in range(100))
    for _ in range(limits.SIGN_IN_FAILURES_PER_ADDRESS.allowed - 1):
        refused(sign_in, session, next(strangers), "wrong")
    clock.advance(minutes=10)
    for _ in range(limits.SIGN_IN_FAILURES_PER_ADDRESS.allowed - 1):
        sign_in(session, numbers[0], PASSWORD)
        assert refused(sign_in, session, next(strangers), "wrong") == auth.WRONG_PHONE_OR_PASSWORD
    assert "с вашего адреса" in refused(sign_in, session, next(strangers), "wrong")


def test_wrong_sms_codes_count_against_the_address(session, numbers):
    for attempt in range(limits.SIGN_IN_FAILURES_PER_ADDRESS.allowed - 1):
        refused(auth.sign_in_with_code, session, login=numbers[attempt % 10], code="000000", address=GUESSER)
    assert "с вашего адреса" in refused(auth.sign_in_with_code, session, login=UNKNOWN, code="000000",
                                        address=GUESSER)


def test_an_ipv6_address_counts_by_its_64_block():
    assert limits.address_key("2001:db8:1:2:aaaa::1") == limits.address_key("2001:db8:1:2:bbbb::9") \
        == "2001:db8:1:2::/64"
    assert limits.address_key("2001:db8:1:3::1") != "2001:db8:1:2::/64"
    assert limits.address_key("::ffff:198.51.100.7") == limits.address_key(" 198.51.100.7 ") == "198.51.100.7"


def test_sms_codes_per_address_are_capped_at_twenty_an_hour(session, numbers):
    logins = [f"37533{n:07d}" for n in range(limits.SMS_CODES_PER_ADDRESS.allowed)]
    for login in logins:
        assert code_request(session, login).message == auth.CODE_SENT
    assert refused(code_request, session, numbers[0]) == (
        "Слишком много запросов SMS-кода с вашего адреса. Повторите после 11:00.")
    assert holds_reached(session) == [("sms_codes_per_address", GUESSER)]
    phone = SmsInbox()
    code_request(session, numbers[0], address=OWNER, phone=phone)
    assert len(phone.sent) == 1
    clock.advance(hours=1)
    assert code_request(session, numbers[1]).message == auth.CODE_SENT


def test_recovery_per_address_is_capped_at_ten_an_hour(session, numbers):
    for login in numbers[: limits.RECOVERY_PER_ADDRESS.allowed]:
        assert recovery(session, login) == auth.TEMP_SENT
    assert refused(recovery, session, UNKNOWN) == (
        "Слишком много запросов временного пароля с вашего адреса. Повторите после 11:00.")
    assert holds_reached(session) == [("recovery_per_address", GUESSER)]
    assert recovery(session, UNKNOWN, address=OWNER) == auth.TEMP_SENT


# --- per number --------------------------------------------------------------------------------------------------

def test_the_password_lock_doubles_with_each_further_failure_up_to_fifteen_minutes_then_lets_go(session, numbers):
    login = numbers[0]
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK - 1):
        refused(sign_in, session, login, "wrong")
    assert refused(sign_in, session, login, "wrong") == (
        "Вход по паролю временно заблокирован после 5 неудачных попыток. Повторите после 10:01.")
    assert locks(session) == [login]
    waits = []
    for _ in range(5):
        locked_for = limits.password_lock(session, login).until - clock.now()
        waits.append(int(locked_for.total_seconds() // 60))
        assert "заблокирован" in refused(sign_in, session, login, PASSWORD)  # the right password waits
        clock.advance(seconds=locked_for.total_seconds())
        refused(sign_in, session, login, "wrong")  # the lock ran out: one more failure locks it again, longer
    assert waits == [1, 2, 4, 8, 15]
    assert int((limits.password_lock(session, login).until - clock.now()).total_seconds() // 60) == 15
    assert len(locks(session)) == 6
    clock.advance(minutes=15)
    assert sign_in(session, login, PASSWORD).next_step == "home"
    assert refused(sign_in, session, login, "wrong") == auth.WRONG_PHONE_OR_PASSWORD  # a success forgot them


def test_the_lock_reads_the_same_for_an_unknown_number(session, numbers):
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK - 1):
        refused(sign_in, session, numbers[0], "wrong")
        refused(sign_in, session, UNKNOWN, "wrong")
    assert refused(sign_in, session, numbers[0], "wrong") == refused(sign_in, session, UNKNOWN, "wrong")


def test_failures_are_forgotten_after_a_quiet_day(session, numbers):
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK - 1):
        refused(sign_in, session, numbers[0], "wrong")
    clock.advance(hours=24)
    assert refused(sign_in, session, numbers[0], "wrong") == auth.WRONG_PHONE_OR_PASSWORD


def test_the_owner_recovers_while_a_stranger_keeps_the_number_locked(session, numbers):
    login = numbers[0]
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK):
        refused(sign_in, session, login, "wrong")
    until = limits.password_lock(session, login).until

    assert recovery(session, login, address=OWNER) == auth.TEMP_SENT
    temporary = re.search(r"Временный пароль: (\S+)", session.exec(select(OutboxEmail)).one().body).group(1)
    assert "заблокирован" in refused(sign_in, session, login, "guess")
    assert limits.password_lock(session, login).until == until  # tries the lock refused do not lengthen it
    result = sign_in(session, login, temporary, address=OWNER)
    assert result.next_step == "change_password"
    with pytest.raises(PasswordChangeRequired):
        sessions.actor_for(session, token=result.token)
    assert limits.password_lock(session, login) is None


def test_the_password_lock_does_not_hold_the_sms_code(session, numbers):
    login, phone = numbers[0], SmsInbox()
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK):
        refused(sign_in, session, login, "wrong")
    code_request(session, login, address=OWNER, phone=phone)
    assert auth.sign_in_with_code(session, login=login, code=phone.last_code(), address=OWNER).next_step == "home"


def test_sms_codes_are_capped_at_ten_a_day_per_number_known_or_not(session, numbers):
    phone = SmsInbox()
    for _ in range(limits.SMS_CODES_PER_NUMBER.allowed):
        code_request(session, numbers[0], phone=phone)
        code_request(session, UNKNOWN, address=OWNER)
        clock.advance(seconds=61)
    assert len(phone.sent) == 10
    known, unknown = refused(code_request, session, numbers[0], phone=phone), refused(code_request, session, UNKNOWN)
    assert known == unknown == (
        "На один номер можно отправить не более 10 SMS-кодов в сутки. Повторите после 17.11.2026 10:00.")
    assert refused(code_request, session, numbers[0], address=OWNER, phone=phone) == known  # from anywhere
    assert holds_reached(session) == [("sms_codes_per_number", numbers[0]), ("sms_codes_per_number", UNKNOWN)]
    clock.set_now(dt.datetime(2026, 11, 17, 10, 0))
    code_request(session, numbers[0], phone=phone)
    assert len(phone.sent) == 11


def test_the_resend_delay_still_comes_first(session, numbers):
    code_request(session, numbers[0])
    assert refused(code_request, session, numbers[0]) == "Повторно запросить можно через 60 с."


def test_recovery_is_capped_at_five_a_day_per_number(session, numbers):
    for _ in range(limits.RECOVERY_PER_NUMBER.allowed):
        recovery(session, numbers[0])
        clock.advance(minutes=1)
    assert len(session.exec(select(OutboxEmail)).all()) == 5
    assert refused(recovery, session, numbers[0], address=OWNER) == (
        "Временный пароль для одного номера можно запросить не более 5 раз в сутки. "
        "Повторите после 17.11.2026 10:00.")
    assert holds_reached(session) == [("recovery_per_number", numbers[0])]


def test_refusals_during_a_hold_write_nothing_more(session, numbers):
    for attempt in range(limits.SIGN_IN_FAILURES_PER_ADDRESS.allowed):
        refused(sign_in, session, numbers[attempt % 10], "wrong")
    written = len(session.exec(select(AuditEvent)).all())
    for _ in range(50):
        refused(sign_in, session, numbers[0], "wrong")
    assert len(session.exec(select(AuditEvent)).all()) == written


def test_a_wait_of_part_of_a_minute_names_the_next_whole_minute(session, numbers):
    clock.set_now(dt.datetime(2026, 11, 16, 14, 33, 20))
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK - 1):
        refused(sign_in, session, numbers[0], "wrong")
    assert refused(sign_in, session, numbers[0], "wrong").endswith("Повторите после 14:35.")
