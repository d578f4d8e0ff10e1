"""Sign-in rules A1–A6: what a user trying to get in would notice."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from cabinet import clock
from cabinet.models import (
    AccountKind,
    OutboxEmail,
    PersonalAccount,
    Role,
    Subscriber,
    Tariff,
    User,
    UserAccount,
    UserSession,
)
from cabinet.models.organization import Organization
from cabinet.services.auth import limits, sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.auth.passwords import hash_password
from cabinet.services.auth.sessions import PasswordChangeRequired, RoleNotChosen
from cabinet.services.errors import AccessDenied, DomainError, SessionExpired
from tests.unit.factories import SmsInbox


@pytest.fixture
def company(session):
    org = Organization(name="ООО «Тест»", unp="190000001", legal_address="Минск", contact_email="it@example.com",
                       contract_date=dt.date(2020, 1, 1))
    session.add(org)
    session.flush()
    accounts = {}
    for kind, number in [(AccountKind.MOBILE, "1010000000011"), (AccountKind.FIXED, "4010000000015"),
                         (AccountKind.SIP, "7010000000017")]:
        accounts[kind] = PersonalAccount(organization_id=org.id, number=number, kind=kind,
                                         opened_on=dt.date(2020, 1, 1))
        session.add(accounts[kind])
    sip = Tariff(code="sip-conn", name="SIP-соединение", kind=AccountKind.SIP, is_sip_connection=True)
    sip_number = Tariff(code="sip-num", name="SIP-номер", kind=AccountKind.SIP)
    session.add_all([sip, sip_number])
    session.flush()
    session.add(Subscriber(account_id=accounts[AccountKind.SIP].id, number="375172000001", tariff_id=sip.id,
                           sip_kind="connection"))
    session.add(Subscriber(account_id=accounts[AccountKind.SIP].id, number="375172000002", tariff_id=sip_number.id,
                           sip_kind="number"))

    def user(login, password, roles, account_kinds, login_kind="phone"):
        person = User(organization_id=org.id, login_kind=login_kind, login=login, roles=roles,
                      password_hash=hash_password(password) if password else None)
        session.add(person)
        session.flush()
        for kind in account_kinds:
            session.add(UserAccount(user_id=person.id, account_id=accounts[kind].id))
        return person

    user("375290000001", "Admin#2026", [Role.ADMINISTRATOR], [AccountKind.MOBILE])
    user("375290000003", "Both#2026", [Role.ADMINISTRATOR, Role.SUPERVISOR], [AccountKind.MOBILE])
    user("4010000000015", "Fixed#2026", [Role.ADMINISTRATOR], [AccountKind.FIXED], login_kind="account")
    user("375172000001", None, [Role.SIP_ADMIN], [AccountKind.SIP])
    user("375172000002", "Sip#20261", [Role.SIP_ADMIN], [AccountKind.SIP])
    session.commit()
    return accounts


def password_sign_in(session, login, password, kind="phone"):
    return auth.sign_in_with_password(session, login_kind=kind, login=login, password=password, address="192.0.2.10")


def test_number_and_password_open_the_administrators_account(session, company):
    result = password_sign_in(session, "375290000001", "Admin#2026")
    assert result.next_step == "home"
    actor = sessions.actor_for(session, token=result.token)
    assert actor.role == Role.ADMINISTRATOR
    assert actor.account_ids == {company[AccountKind.MOBILE].id}


def test_number_is_twelve_digits_starting_375(session, company):
    with pytest.raises(DomainError, match="начиная с 375"):
        password_sign_in(session, "29000000", "Admin#2026")
    assert password_sign_in(session, "+375 (29) 000-00-01", "Admin#2026").next_step == "home"


def test_wrong_password_and_unknown_number_read_the_same(session, company):
    with pytest.raises(DomainError) as wrong:
        password_sign_in(session, "375290000001", "nope")
    with pytest.raises(DomainError) as unknown:
        password_sign_in(session, "375299999999", "nope")
    assert wrong.value.message == unknown.value.message == auth.WRONG_PHONE_OR_PASSWORD


def test_fifth_failure_locks_the_login_known_or_not(session, company):
    for login in ("375290000001", "375299999999"):
        for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK - 1):
            with pytest.raises(DomainError):
                password_sign_in(session, login, "wrong")
        with pytest.raises(DomainError, match="заблокирован"):
            password_sign_in(session, login, "wrong")
    with pytest.raises(DomainError, match="заблокирован"):
        password_sign_in(session, "375290000001", "Admin#2026")  # even the right password waits
    clock.advance(minutes=1)
    assert password_sign_in(session, "375290000001", "Admin#2026").next_step == "home"


def test_success_resets_the_failure_count(session, company):
    for _ in range(limits.PASSWORD_FAILURES_BEFORE_LOCK - 1):
        with pytest.raises(DomainError):
            password_sign_in(session, "375290000001", "wrong")
    password_sign_in(session, "375290000001", "Admin#2026")
    with pytest.raises(DomainError, match="Неверный"):
        password_sign_in(session, "375290000001", "wrong")


def test_fixed_line_signs_in_by_account_number(session, company):
    result = password_sign_in(session, "4010000000015", "Fixed#2026", kind="account")
    actor = sessions.actor_for(session, token=result.token)
    assert actor.account_ids == {company[AccountKind.FIXED].id}
    with pytest.raises(DomainError, match="лицевого счета"):
        password_sign_in(session, "4010000000015", "wrong", kind="account")


def test_sms_code_signs_in_once(session, company):
    inbox = SmsInbox()
    assert auth.request_sms_code(session, login="375290000001", gateway=inbox).message == auth.CODE_SENT
    code = inbox.last_code()
    result = auth.sign_in_with_code(session, login="375290000001", code=code)
    assert sessions.actor_for(session, token=result.token).role == Role.ADMINISTRATOR
    with pytest.raises(DomainError, match="недействителен"):
        auth.sign_in_with_code(session, login="375290000001", code=code)


def test_sms_code_expires_after_five_minutes(session, company):
    inbox = SmsInbox()
    auth.request_sms_code(session, login="375290000001", gateway=inbox)
    clock.advance(minutes=5)
    with pytest.raises(DomainError, match="истек"):
        auth.sign_in_with_code(session, login="375290000001", code=inbox.last_code())


def test_sms_code_allows_five_tries_then_a_new_code_is_needed(session, company):
    inbox = SmsInbox()
    auth.request_sms_code(session, login="375290000001", gateway=inbox)
    code = inbox.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError, match=f"Осталось попыток: {left}"):
            auth.sign_in_with_code(session, login="375290000001", code=wrong)
    with pytest.raises(DomainError, match="Запросите новый код"):
        auth.sign_in_with_code(session, login="375290000001", code=wrong)
    with pytest.raises(DomainError):
        auth.sign_in_with_code(session, login="375290000001", code=code)


def test_letters_typed_as_the_code_spend_no_try_and_count_against_no_limit(session, company):
    inbox = SmsInbox()
    auth.request_sms_code(session, login="375290000001", gateway=inbox, address="198.51.100.7")
    for typed in ("abcdef", "12345б", "12 34 56", "", "１２３４５６"):  # the last in full-width digits
        with pytest.raises(auth.CodeNotDigits, match="^Код состоит из цифр.$"):
            auth.sign_in_with_code(session, login="375290000001", code=typed, address="198.51.100.7")
    from cabinet.models import AbuseCounter, OneTimeCode

    assert session.exec(select(OneTimeCode.attempts)).one() == 0
    assert session.exec(select(AbuseCounter).where(AbuseCounter.scope == limits.SIGN_IN_FAILURES_PER_ADDRESS.scope)
                        ).all() == []
    wrong = "000000" if inbox.last_code() != "000000" else "111111"
    with pytest.raises(DomainError, match="Осталось попыток: 4"):  # the first try that counts
        auth.sign_in_with_code(session, login="375290000001", code=wrong, address="198.51.100.7")
    assert auth.sign_in_with_code(session, login="375290000001", code=f" {inbox.last_code()} ").token


def test_the_code_can_be_asked_again_sixty_seconds_after_the_servers_time_of_sending(session, company):
    sent_at = clock.now()
    answer = auth.request_sms_code(session, login="375290000001", gateway=SmsInbox())
    assert answer.resend_at == sent_at + dt.timedelta(seconds=60)
    clock.advance(seconds=20)
    with pytest.raises(DomainError, match="через 40 с"):
        auth.request_sms_code(session, login="375290000001", gateway=SmsInbox())
    unknown = auth.request_sms_code(session, login="375299999999", gateway=SmsInbox())
    assert unknown.resend_at == clock.now() + dt.timedelta(seconds=60)  # an unknown number reads the same


def test_a_new_code_only_after_sixty_seconds_and_it_replaces_the_old(session, company):
    inbox = SmsInbox()
    auth.request_sms_code(session, login="375290000001", gateway=inbox)
    first = inbox.last_code()
    with pytest.raises(DomainError, match="через"):
        auth.request_sms_code(session, login="375290000001", gateway=inbox)
    clock.advance(seconds=60)
    auth.request_sms_code(session, login="375290000001", gateway=inbox)
    assert len(inbox.sent) == 2
    if first != inbox.last_code():
        with pytest.raises(DomainError):
            auth.sign_in_with_code(session, login="375290000001", code=first)


def test_sms_for_an_unknown_number_says_the_same_and_sends_nothing(session, company):
    inbox = SmsInbox()
    assert auth.request_sms_code(session, login="375299999999", gateway=inbox).message == auth.CODE_SENT
    assert inbox.sent == []


def test_codes_and_passwords_are_stored_hashed(session, company):
    inbox = SmsInbox()
    auth.request_sms_code(session, login="375290000001", gateway=inbox)
    from cabinet.models import OneTimeCode

    stored = session.exec(select(OneTimeCode)).one()
    assert inbox.last_code() not in stored.code_hash
    assert "Admin#2026" not in session.exec(select(User.password_hash).where(User.login == "375290000001")).one()


def test_user_with_both_roles_chooses_and_gets_only_what_the_role_covers(session, company):
    result = password_sign_in(session, "375290000003", "Both#2026")
    assert result.next_step == "choose_role"
    with pytest.raises(RoleNotChosen):
        sessions.actor_for(session, token=result.token)
    sessions.choose_role(session, token=result.token, role=Role.SUPERVISOR)
    supervisor = sessions.actor_for(session, token=result.token)
    assert supervisor.account_ids == {company[AccountKind.MOBILE].id, company[AccountKind.FIXED].id}
    sessions.choose_role(session, token=result.token, role=Role.ADMINISTRATOR)
    assert sessions.actor_for(session, token=result.token).account_ids == {company[AccountKind.MOBILE].id}


def test_a_role_not_held_is_refused(session, company):
    result = password_sign_in(session, "375290000001", "Admin#2026")
    for role in (Role.SUPERVISOR, Role.SIP_ADMIN):
        with pytest.raises(AccessDenied):
            sessions.choose_role(session, token=result.token, role=role)


def test_supervisor_switches_only_to_accounts_in_scope(session, company):
    token = password_sign_in(session, "375290000003", "Both#2026").token
    sessions.choose_role(session, token=token, role=Role.SUPERVISOR)
    view = sessions.switch_account(session, token=token, account_id=company[AccountKind.FIXED].id)
    assert view.account_id == company[AccountKind.FIXED].id
    with pytest.raises(AccessDenied):
        sessions.switch_account(session, token=token, account_id=company[AccountKind.SIP].id)


def test_sip_first_registration_by_email_forced_change_and_single_use(session, company):
    message = auth.request_temporary_password(session, login="375172000001")
    assert message == auth.TEMP_SENT
    mail = session.exec(select(OutboxEmail)).one()
    assert mail.recipients == ["it@example.com"]
    temporary = re.search(r"Временный пароль: (\S+)", mail.body).group(1)
    assert "http" in mail.body and "24 часа" in mail.body

    result = password_sign_in(session, "375172000001", temporary)
    assert result.next_step == "change_password"
    with pytest.raises(PasswordChangeRequired):
        sessions.actor_for(session, token=result.token)
    with pytest.raises(DomainError):
        password_sign_in(session, "375172000001", temporary)  # single use

    new_token = auth.change_password(session, token=result.token, new_password="Sip#Office7")
    with pytest.raises(SessionExpired):
        sessions.actor_for(session, token=result.token)  # the old token is gone
    actor = sessions.actor_for(session, token=new_token)
    assert actor.role == Role.SIP_ADMIN and actor.account_ids == {company[AccountKind.SIP].id}
    assert password_sign_in(session, "375172000001", "Sip#Office7").next_step == "home"


def test_temporary_password_expires_after_24_hours(session, company):
    auth.request_temporary_password(session, login="375172000001")
    temporary = re.search(r"Временный пароль: (\S+)", session.exec(select(OutboxEmail)).one().body).group(1)
    clock.advance(hours=24)
    with pytest.raises(DomainError, match="истек"):
        password_sign_in(session, "375172000001", temporary)


def test_temporary_password_for_an_unknown_number_sends_nothing(session, company):
    assert auth.request_temporary_password(session, login="375299999999") == auth.TEMP_SENT
    assert session.exec(select(OutboxEmail)).all() == []


def test_only_a_sip_connection_number_may_be_the_sip_administrator(session, company):
    with pytest.raises(DomainError, match="SIP-соединение"):
        password_sign_in(session, "375172000002", "Sip#20261")  # «SIP-номер»
    number = session.exec(select(Subscriber).where(Subscriber.number == "375172000002")).one()
    number.tariff_id = session.exec(select(Tariff.id).where(Tariff.name == "SIP-соединение")).one()
    session.add(number)
    session.commit()
    assert password_sign_in(session, "375172000002", "Sip#20261").next_step == "home"


def test_password_change_ends_every_other_session(session, company):
    first = password_sign_in(session, "375290000001", "Admin#2026").token
    second = password_sign_in(session, "375290000001", "Admin#2026").token
    fresh = auth.change_password(session, token=first, current_password="Admin#2026", new_password="Better#2027")
    for old in (first, second):
        with pytest.raises(SessionExpired):
            sessions.actor_for(session, token=old)
    assert sessions.actor_for(session, token=fresh).role == Role.ADMINISTRATOR
    with pytest.raises(DomainError):
        password_sign_in(session, "375290000001", "Admin#2026")


def test_password_change_checks_current_and_rules(session, company):
    token = password_sign_in(session, "375290000001", "Admin#2026").token
    with pytest.raises(DomainError, match="Текущий пароль"):
        auth.change_password(session, token=token, current_password="bad", new_password="Better#2027")
    with pytest.raises(DomainError, match="8 до 64"):
        auth.change_password(session, token=token, current_password="Admin#2026", new_password="short1")
    with pytest.raises(DomainError, match="8 до 64"):
        auth.change_password(session, token=token, current_password="Admin#2026", new_password="onlyletters")


def test_idle_session_expires_after_thirty_minutes_and_activity_keeps_it(session, company):
    token = password_sign_in(session, "375290000001", "Admin#2026").token
    clock.advance(minutes=29)
    sessions.actor_for(session, token=token)
    clock.advance(minutes=29)
    sessions.actor_for(session, token=token)
    clock.advance(minutes=31)
    with pytest.raises(SessionExpired, match="бездействия"):
        sessions.actor_for(session, token=token)


def test_reading_pages_writes_the_session_at_most_once_a_minute(session, company):
    """Every event resolves the actor: within a minute of the last write it writes nothing, so pages that only
    read never take the database's write lock."""
    token = password_sign_in(session, "375290000001", "Admin#2026").token
    clock.advance(minutes=5)
    sessions.actor_for(session, token=token)
    session.commit()
    written = session.exec(select(UserSession)).one().last_seen_at
    for seconds in (10, 20, 29):
        clock.advance(seconds=seconds)
        sessions.actor_for(session, token=token)
        assert not session.dirty  # nothing to write
        session.commit()
        assert session.exec(select(UserSession)).one().last_seen_at == written
    clock.advance(seconds=1)  # a minute after the last write
    sessions.actor_for(session, token=token)
    session.commit()
    assert session.exec(select(UserSession)).one().last_seen_at == clock.now()


def test_session_ends_after_twelve_hours_however_active(session, company):
    token = password_sign_in(session, "375290000001", "Admin#2026").token
    for _ in range(24):
        clock.advance(minutes=29)
        sessions.actor_for(session, token=token)
    clock.advance(minutes=29)
    with pytest.raises(SessionExpired):
        sessions.actor_for(session, token=token)


def test_sign_out_ends_the_session(session, company):
    token = password_sign_in(session, "375290000001", "Admin#2026").token
    sessions.sign_out(session, token=token)
    with pytest.raises(SessionExpired):
        sessions.actor_for(session, token=token)


def test_tokens_are_stored_hashed_and_new_on_every_sign_in(session, company):
    first = password_sign_in(session, "375290000001", "Admin#2026").token
    second = password_sign_in(session, "375290000001", "Admin#2026").token
    assert first != second and len(first) >= 32
    stored = session.exec(select(UserSession.token_hash)).all()
    assert first not in stored and second not in stored


def test_every_sign_in_is_in_the_audit_log(session, company):
    from cabinet.models import AuditEvent

    password_sign_in(session, "375290000001", "Admin#2026")
    with pytest.raises(DomainError):
        password_sign_in(session, "375290000001", "wrong")
    actions = session.exec(select(AuditEvent.action)).all()
    assert "sign_in" in actions and "sign_in_failed" in actions
