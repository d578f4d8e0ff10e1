"""Signed links: a file the page hands out is fetched over HTTP only while the session that asked for it lives,
only for what the link names, and never with a changed, foreign or stale link."""

from __future__ import annotations

import base64
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
