"""Twenty sign-ins of one number at the same moment, as the pages send them (each in its own unit of work, on
the thread pool): every one is answered, none fails on another's row of counters or lock."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from cabinet.models import Role, UserSession
from cabinet.services.auth import sign_in as auth
from cabinet.services.auth.passwords import hash_password
from cabinet.services.errors import DomainError
from cabinet.state.services import call
from tests.unit.factories import make_account, make_org, make_user

NUMBER, PASSWORD = "375290000777", "Right#2026"


def test_twenty_simultaneous_first_sign_ins_of_one_number_are_all_answered(session):
    org = make_org(session)
    make_user(session, org, [make_account(session, org)], roles=[Role.ADMINISTRATOR], login=NUMBER,
              password_hash=hash_password(PASSWORD))
    session.commit()

    async def sign_in(password: str, n: int):
        try:
            return await call(auth.sign_in_with_password, login_kind="phone", login=NUMBER, password=password,
                              address=f"198.51.100.{n}")
        except DomainError as refusal:
            return refusal.message

    async def everyone(password: str):
        return await asyncio.gather(*(sign_in(password, n) for n in range(20)))

    answers = asyncio.run(everyone(PASSWORD))  # twenty tabs, twenty devices: each its own session
    assert all(isinstance(a, auth.SignInResult) for a in answers), answers
    session.expire_all()
    assert len(session.exec(select(UserSession)).all()) == 20

    wrong = asyncio.run(everyone("Wrong#2026"))  # each counted against the number, and answered in Russian
    assert all(isinstance(a, str) for a in wrong), wrong
    assert all(a.startswith("Неверный номер телефона или пароль") or "Повторите после" in a for a in wrong)
    assert any("Повторите после" in a for a in wrong)  # the lock came, however the attempts interleaved
