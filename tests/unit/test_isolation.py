"""Organisation 2's administrator is refused every object of organisation 1 through the services, even when
calling them directly with organisation 1's ids; and no role reaches beyond its own accounts."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cabinet.models import AccountKind, PersonalAccount, Request, RequestKind, Subscriber
from cabinet.seed import seed_demo
from cabinet.services import access
from cabinet.services.auth import sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.errors import AccessDenied
from cabinet.services.finance import billing as finance
from cabinet.services.requests import history, store


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


def signed_in(session, login, password, role=None):
    token = auth.sign_in_with_password(session, login_kind="phone", login=login, password=password).token
    if role:
        sessions.choose_role(session, token=token, role=role)
    return token, sessions.actor_for(session, token=token)


def org1(session):
    accounts = session.exec(select(PersonalAccount).where(PersonalAccount.organization_id == 1)).all()
    subscribers = session.exec(
        select(Subscriber.id).where(Subscriber.account_id.in_([a.id for a in accounts])).limit(50)
    ).all()
    request_ids = session.exec(select(Request.id).where(Request.organization_id == 1)).all()
    assert accounts and subscribers and request_ids
    return accounts, subscribers, request_ids


def test_other_companys_administrator_is_refused_everything(demo):
    token, stranger = signed_in(demo, "375290000101", "Other#2026")
    accounts, subscribers, request_ids = org1(demo)
    for account in accounts:
        with pytest.raises(AccessDenied):
            finance.account_summary(demo, actor=stranger, account_id=account.id)
        with pytest.raises(AccessDenied):
            history.list_requests(demo, actor=stranger, account_id=account.id)
        with pytest.raises(AccessDenied):
            store.submit_request(demo, actor=stranger, account_id=account.id, kind=RequestKind.RENAME,
                                    params={}, items=[], idempotency_key=f"stranger-{account.id}")
        with pytest.raises(AccessDenied):
            sessions.switch_account(demo, token=token, account_id=account.id)
    for subscriber_id in subscribers:
        with pytest.raises(AccessDenied):
            access.subscriber_for(demo, stranger, subscriber_id)
    for request_id in request_ids:
        with pytest.raises(AccessDenied):
            history.get_request(demo, actor=stranger, request_id=request_id)
        with pytest.raises(AccessDenied):
            history.list_request_items(demo, actor=stranger, request_id=request_id)
    assert demo.exec(select(Request).where(Request.idempotency_key.like("stranger-%"))).all() == []


def test_the_same_refusal_for_an_id_that_does_not_exist(demo):
    _, stranger = signed_in(demo, "375290000101", "Other#2026")
    with pytest.raises(AccessDenied) as missing:
        finance.account_summary(demo, actor=stranger, account_id=999_999)
    with pytest.raises(AccessDenied) as foreign:
        finance.account_summary(demo, actor=stranger, account_id=1)
    assert missing.value.message == foreign.value.message


def test_administrator_reaches_neither_the_fixed_nor_the_sip_account(demo):
    _, admin = signed_in(demo, "375290000001", "Admin#2026")
    kinds = {a.kind: a.id for a in org1(demo)[0]}
    finance.account_summary(demo, actor=admin, account_id=kinds[AccountKind.MOBILE])
    for kind in (AccountKind.FIXED, AccountKind.SIP):
        with pytest.raises(AccessDenied):
            finance.account_summary(demo, actor=admin, account_id=kinds[kind])


def test_supervisor_reaches_mobile_and_fixed_but_not_sip(demo):
    _, supervisor = signed_in(demo, "375290000002", "Super#2026")
    kinds = {a.kind: a.id for a in org1(demo)[0]}
    for kind in (AccountKind.MOBILE, AccountKind.FIXED):
        assert finance.account_summary(demo, actor=supervisor, account_id=kinds[kind]).account_id == kinds[kind]
    with pytest.raises(AccessDenied):
        finance.account_summary(demo, actor=supervisor, account_id=kinds[AccountKind.SIP])


def test_sip_administrator_reaches_only_the_sip_account(demo):
    from cabinet.models import User
    from cabinet.services.auth.passwords import hash_password

    sip_admin = demo.exec(select(User).where(User.login == "375172000001")).one()
    sip_admin.password_hash = hash_password("Sip#Office2026")
    demo.add(sip_admin)
    demo.commit()
    _, actor = signed_in(demo, "375172000001", "Sip#Office2026")
    kinds = {a.kind: a.id for a in org1(demo)[0]}
    finance.account_summary(demo, actor=actor, account_id=kinds[AccountKind.SIP])
    for kind in (AccountKind.MOBILE, AccountKind.FIXED):
        with pytest.raises(AccessDenied):
            finance.account_summary(demo, actor=actor, account_id=kinds[kind])
        with pytest.raises(AccessDenied):
            history.list_requests(demo, actor=actor, account_id=kinds[kind])
