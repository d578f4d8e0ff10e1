"""Signed links: a file the page hands out is fetched over HTTP only while the session that asked for it lives,
only for what the link names, and never with a changed, foreign or stale link."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from cabinet import clock
from cabinet.services.auth import links, sessions
from cabinet.services.errors import AccessDenied
from tests.unit.factories import make_account, make_org, make_user, signed_in


@pytest.fixture
def signed(session):
    org = make_org(session)
    account = make_account(session, org)
    user = make_user(session, org, [account])
    session.commit()
    actor, token = signed_in(session, user.id)
    return actor, token, account


def test_a_session_link_gives_back_its_actor_and_what_it_names(session, signed):
    actor, _, account = signed
    link = links.session_link(actor, "report", request_id=7)
    found, params = links.redeem(session, token=link, purpose="report")
    assert params == {"request_id": 7}
    assert (found.user_id, found.role, found.account_ids, found.session_id) == (
        actor.user_id, actor.role, frozenset({account.id}), actor.session_id)


def test_a_link_dies_with_its_session_and_after_ten_minutes(session, signed):
    actor, token, _ = signed
    link = links.session_link(actor, "report", request_id=7)
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(AccessDenied, match="Ссылка недействительна"):
        links.redeem(session, token=link, purpose="report")
    fresh = links.session_link(actor, "report", request_id=7)
    sessions.sign_out(session, token=token)
    with pytest.raises(AccessDenied):
        links.redeem(session, token=fresh, purpose="report")


def test_a_changed_foreign_or_malformed_link_is_refused(session, signed):
    actor, _, _ = signed
    link = links.session_link(actor, "report", request_id=7)
    encoded, signature = link.split(".", 1)
    changed = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    changed["p"]["request_id"] = 8
    forged = base64.urlsafe_b64encode(json.dumps(changed).encode()).decode().rstrip("=") + "." + signature
    nested = base64.urlsafe_b64encode(b'[{"e": {"x": [1]}}]').decode() + "." + signature
    for token, purpose in ((forged, "report"), (link, "invoice-link"), (nested, "report"), ("", "report"),
                           ("no-dot", "report")):
        with pytest.raises(AccessDenied):
            links.redeem(session, token=token, purpose=purpose)


def test_an_actor_without_a_session_gets_no_link(signed):
    actor, _, _ = signed
    with pytest.raises(AccessDenied):
        links.session_link(actor.__class__(actor.user_id, actor.organization_id, actor.role, actor.account_ids),
                           "report")


def _token(payload: bytes, signature: str) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + signature


def test_a_deeply_nested_a_non_ascii_or_an_oversized_token_is_refused_not_an_error():
    deep = b"[" * 100_000 + b"]" * 100_000
    signed_deep = _token(deep, links._signature("invoice-link", deep))
    good = links.signed("invoice-link", {"i": 1}, expires=clock.now() + dt.timedelta(minutes=1))
    for token in (_token(deep, "0" * 64), signed_deep, good.split(".")[0] + ".é" + "0" * 63,
                  good + "0" * links.MAX_TOKEN_LENGTH, "é.é", ".", None):
        with pytest.raises(AccessDenied, match="Ссылка недействительна"):
            links.unsigned("invoice-link", token)


def test_the_fields_of_a_token_are_flat_with_one_level_for_lists_and_objects():
    expires = clock.now() + dt.timedelta(minutes=1)
    flat = {"s": 1, "p": {"request_id": 7, "search": "а", "status": None}, "l": ["a@b.by"], "k": True}
    assert links.unsigned("report", links.signed("report", flat, expires=expires)) == flat
    for nested in ({"p": {"x": {"y": 1}}}, {"l": [["a"]]}, {"p": {"x": [1]}}):
        with pytest.raises(AccessDenied):
            links.unsigned("report", links.signed("report", nested, expires=expires))
    not_an_object = b'["e"]'
    with pytest.raises(AccessDenied):
        links.unsigned("report", _token(not_an_object, links._signature("report", not_an_object)))


def test_the_longest_confirmation_link_the_cabinet_signs_is_accepted():
    addresses = [f"{n}" + "я" * 240 + "@почта.бел" for n in range(6)]
    fields = {"a": 1, "m": addresses[5], "l": addresses[:5], "k": "email", "c": 1, "u": 1, "r": "admin"}
    token = links.signed("delivery", fields, expires=clock.now() + dt.timedelta(days=1))
    assert len(token) <= links.MAX_TOKEN_LENGTH
    assert links.unsigned("delivery", token) == fields


def test_a_nested_invoice_link_answers_403_in_words(engine):
    from starlette.testclient import TestClient

    from cabinet.api import api
    from cabinet.services.sip import invoices

    deep = b"[" * 3_000 + b"]" * 3_000  # deeper than the interpreter's recursion limit, shorter than a URL may be
    with TestClient(api) as client:
        for token in (_token(deep, "0" * 64), _token(deep, links._signature(invoices.LINK_PURPOSE, deep)), "é"):
            answer = client.get(invoices.LINK_PATH, params={"token": token})
            assert answer.status_code == 403
            assert answer.text == invoices.BAD_LINK
