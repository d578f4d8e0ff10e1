"""A new delivery address (C3, P7) receives documents only after the link mailed to it is opened: until then the
account keeps its addresses; a forged, expired or stale link is refused in Russian."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from cabinet import clock, routes
from cabinet.models import AccountKind, AuditEvent, OutboxEmail, PersonalAccount, Role
from cabinet.services.access import PUBLIC, declared
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance import billing, orders, quotas
from cabinet.services.finance.delivery_confirmation import BAD_LINK, STALE_LINK, confirm_delivery_address
from tests.unit.factories import make_account, make_actor, make_org, make_user
from tests.unit.finance_factories import make_invoice

OLD = ["buh@example.test", "chief@example.test"]


def change(session, world, emails, method="email", invoice_format="pdf"):
    return billing.update_delivery(session, actor=world.actor, account_id=world.account.id, emails=emails,
                                   invoice_format=invoice_format, method=method)


def letters_to(session, address: str) -> list[OutboxEmail]:
    return [row for row in session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
            if address in row.recipients]


def link_sent_to(session, address: str) -> str:
    """The token of the newest confirmation letter to the address."""
    letter = letters_to(session, address)[-1]
    assert letter.subject.startswith("Подтвердите адрес для счетов") and letter.request_id is None
    found = re.search(re.escape(routes.CONFIRM_ADDRESS) + r"\?token=(\S+)", letter.body)
    assert found, letter.body
    return found.group(1)


def addresses(session, world) -> tuple[str, list[str]]:
    session.expire_all()
    account = session.get(PersonalAccount, world.account.id)
    return account.delivery_method, list(account.delivery_emails)


def test_a_new_address_gets_a_link_and_no_documents_until_it_is_confirmed(session, world):
    settings = change(session, world, "new@firma.by", invoice_format="xlsx")

    assert settings.notice == ("На адрес new@firma.by отправлено письмо со ссылкой для подтверждения. Счета будут "
                               "отправляться на него после подтверждения, до тех пор — на buh@example.test, "
                               "chief@example.test.")
    assert (settings.emails, settings.invoice_format) == (OLD, "xlsx")  # the format is not a recipient: at once
    assert addresses(session, world) == ("email", OLD)
    [letter] = letters_to(session, "new@firma.by")
    assert letter.recipients == ["new@firma.by"] and world.account.number in letter.subject
    assert "откройте ссылку до 17.11.2026 10:00" in letter.body  # 24 hours

    invoice = make_invoice(session, world.account, dt.date(2026, 10, 1))
    ordered = orders.order_invoice(session, actor=world.actor, account_id=world.account.id, invoice_id=invoice.id,
                                   idempotency_key="inv-1")
    assert ordered.recipients == OLD  # no document goes to the unconfirmed address


def test_opening_the_link_confirms_the_address_and_documents_go_there(session, world):
    change(session, world, "New@Firma.by")
    clock.advance(hours=23, minutes=59)

    confirmed = confirm_delivery_address(session, token=link_sent_to(session, "new@firma.by"))

    assert (confirmed.address, confirmed.account_number, confirmed.emails) == (
        "new@firma.by", world.account.number, ["new@firma.by"])
    assert addresses(session, world) == ("email", ["new@firma.by"])  # the change asked for: instead of the old
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "delivery.address_confirmed")).one()
    assert event.account_id == world.account.id and event.user_id == world.actor.user_id
    assert event.details["email"] == "new@firma.by" and event.details["emails_before"] == ", ".join(OLD)
    invoice = make_invoice(session, world.account, dt.date(2026, 10, 1))
    assert orders.order_invoice(session, actor=world.actor, account_id=world.account.id, invoice_id=invoice.id,
                                idempotency_key="inv-1").recipients == ["new@firma.by"]


def test_known_addresses_stay_at_once_each_new_one_joins_when_confirmed(session, world):
    settings = change(session, world, ["chief@example.test", "a@firma.by", "b@firma.by"])
    assert settings.emails == ["chief@example.test"]  # dropping an address needs no confirmation
    assert settings.notice.startswith("На адреса a@firma.by, b@firma.by отправлены письма со ссылкой")
    assert "до тех пор — на chief@example.test." in settings.notice

    confirm_delivery_address(session, token=link_sent_to(session, "b@firma.by"))
    assert addresses(session, world)[1] == ["chief@example.test", "b@firma.by"]
    confirm_delivery_address(session, token=link_sent_to(session, "a@firma.by"))
    assert addresses(session, world)[1] == ["chief@example.test", "a@firma.by", "b@firma.by"]
    confirm_delivery_address(session, token=link_sent_to(session, "a@firma.by"))  # opened twice: the same
    assert addresses(session, world)[1] == ["chief@example.test", "a@firma.by", "b@firma.by"]


def test_from_self_to_email_waits_for_the_confirmation(session, world):
    change(session, world, "", method="self")
    assert addresses(session, world) == ("self", [])
    settings = change(session, world, "new@firma.by")
    assert settings.method == "self" and "до тех пор счета по E-mail не отправляются" in settings.notice
    confirm_delivery_address(session, token=link_sent_to(session, "new@firma.by"))
    assert addresses(session, world) == ("email", ["new@firma.by"])


def test_a_forged_or_expired_link_is_refused_in_russian(session, world):
    change(session, world, "new@firma.by")
    token = link_sent_to(session, "new@firma.by")
    payload, signature = token.split(".")
    forged = [payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature,
              payload + "." + signature[:-1] + ("0" if signature[-1] != "0" else "1"), "", "garbage", "a.b.c"]
    for bad in forged:
        with pytest.raises(AccessDenied) as refused:
            confirm_delivery_address(session, token=bad)
        assert refused.value.message == BAD_LINK
    clock.advance(hours=24, seconds=1)
    with pytest.raises(AccessDenied) as refused:
        confirm_delivery_address(session, token=token)
    assert refused.value.message == BAD_LINK == ("Ссылка для подтверждения адреса недействительна или устарела. "
                                                 "Укажите адрес в разделе «Счета» еще раз — на него придет новое "
                                                 "письмо.")
    assert addresses(session, world) == ("email", OLD)


def test_a_later_change_makes_an_older_link_stale(session, world):
    change(session, world, "first@firma.by")
    first = link_sent_to(session, "first@firma.by")
    clock.advance(minutes=5)
    change(session, world, OLD + ["second@firma.by"])
    with pytest.raises(AccessDenied) as refused:
        confirm_delivery_address(session, token=first)
    assert refused.value.message == STALE_LINK
    assert addresses(session, world) == ("email", OLD)
    confirm_delivery_address(session, token=link_sent_to(session, "second@firma.by"))
    assert addresses(session, world) == ("email", OLD + ["second@firma.by"])


def test_a_link_is_refused_once_its_author_may_not_change_the_account(session, world):
    change(session, world, "new@firma.by")
    token = link_sent_to(session, "new@firma.by")
    world.user.roles = [Role.SUPERVISOR.value]
    world.user.organization_id = make_org(session).id  # moved to another company
    session.add(world.user)
    session.flush()
    with pytest.raises(AccessDenied):
        confirm_delivery_address(session, token=token)


def test_confirmation_letters_are_limited_per_account(session, world):
    limit = quotas.CONFIRMATIONS_PER_HOUR.limit
    for n in range(limit):
        change(session, world, f"try{n}@firma.by")
    session.commit()
    with pytest.raises(DomainError) as refused:
        change(session, world, "one-more@firma.by")
    assert refused.value.message == ("По этому лицевому счету за последний час уже отправлено 5 писем для "
                                     "подтверждения адреса доставки. Новый адрес можно будет указать "
                                     "16.11.2026 в 11:00.")
    session.rollback()
    assert letters_to(session, "one-more@firma.by") == []
    clock.advance(hours=1)
    assert change(session, world, "one-more@firma.by").notice


def test_the_sip_administrator_confirms_a_new_address_too(session):
    org = make_org(session)
    account = make_account(session, org, kind=AccountKind.SIP, delivery_emails=["sip@example.test"])
    actor = make_actor(make_user(session, org, [account], roles=[Role.SIP_ADMIN]), [account])
    session.commit()
    settings = billing.update_delivery(session, actor=actor, account_id=account.id, emails="sip-new@firma.by",
                                       invoice_format="pdf")
    assert settings.emails == ["sip@example.test"] and "sip-new@firma.by" in settings.notice
    confirm_delivery_address(session, token=link_sent_to(session, "sip-new@firma.by"))
    assert session.get(PersonalAccount, account.id).delivery_emails == ["sip-new@firma.by"]


def test_the_confirmation_is_declared_public():
    assert declared(confirm_delivery_address) == PUBLIC


def test_opening_the_link_only_shows_what_the_button_will_confirm(session, world):
    from cabinet.services.finance.delivery_confirmation import address_to_confirm

    before = addresses(session, world)
    change(session, world, ["new@firma.by"])
    token = link_sent_to(session, "new@firma.by")
    shown = address_to_confirm(session, token=token)
    assert shown.address == "new@firma.by" and shown.account_number == world.account.number
    assert addresses(session, world) == before  # a mail scanner following the link confirms nothing
    confirm_delivery_address(session, token=token)
    assert "new@firma.by" in addresses(session, world)[1]
