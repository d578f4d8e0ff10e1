"""A new delivery address receives documents only after it is confirmed (C3, P7).

Whoever changes the delivery settings may type any address, so a new one is not stored at once: `update_delivery`
mails it a link (`mail_confirmation_links`), and the address joins the account's delivery addresses when that
link is opened (`confirm_delivery_address`). Until then the account keeps what it had, so every address in
`PersonalAccount.delivery_emails` is one that was confirmed (or was there before confirmation existed) and no
schema holds a «pending» state: the link itself carries the change asked for, signed with the server's key.

The link names the account, the address, the change it belongs to (the addresses and the method asked for) and
that change's audit event: a later change of the delivery settings makes it stale, so an old letter cannot undo
a newer choice. It is honoured for LINK_LIFETIME and only while its author may still change that account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from cabinet import clock, routes, settings
from cabinet.delivery.outbox import enqueue_email
from cabinet.models import AuditEvent, Organization, PersonalAccount, User
from cabinet.services import audit
from cabinet.services.access import EVERY_CABINET, PUBLIC, Actor, account_for, account_ids_for, serves
from cabinet.services.auth import links
from cabinet.services.errors import AccessDenied
from cabinet.services.finance import quotas

PURPOSE = "delivery-address"
LINK_LIFETIME = dt.timedelta(hours=24)
CHANGED = "delivery.updated"  # the audit action of a change of the delivery settings
CONFIRMED = "delivery.address_confirmed"
BAD_LINK = ("Ссылка для подтверждения адреса недействительна или устарела. Укажите адрес в разделе «Счета» "
            "еще раз — на него придет новое письмо.")
STALE_LINK = ("Эта ссылка устарела: после нее способ или адреса доставки счетов уже меняли. Если адрес нужен, "
              "укажите его в разделе «Счета» еще раз — на него придет новое письмо.")


@dataclass(frozen=True)
class ConfirmedAddress:
    address: str
    account_number: str
    emails: list[str]  # the account's delivery addresses now


def latest_change(session: Session, account_id: int) -> int:
    """The audit event id of the account's latest change of its delivery settings (0 before any)."""
    return session.exec(select(func.max(AuditEvent.id)).where(
        AuditEvent.account_id == account_id, AuditEvent.action == CHANGED)).one() or 0


def notice(awaiting: list[str], in_use: list[str], method_in_use: str) -> str:
    """What the settings page says after letters went out: where they went, and where invoices go meanwhile."""
    if not awaiting:
        return ""
    many = len(awaiting) > 1
    sent = (f"На адреса {', '.join(awaiting)} отправлены письма" if many
            else f"На адрес {awaiting[0]} отправлено письмо")
    meanwhile = (f"до тех пор — на {', '.join(in_use)}" if method_in_use == "email" and in_use
                 else "до тех пор счета по E-mail не отправляются")
    return (f"{sent} со ссылкой для подтверждения. Счета будут отправляться на {'них' if many else 'него'} "
            f"после подтверждения, {meanwhile}.")


@serves(EVERY_CABINET)
def mail_confirmation_links(session: Session, *, actor: Actor, account: PersonalAccount, addresses: list[str],
                            asked: list[str], method: str) -> None:
    """Mail each address (checked by the caller, not yet the account's) a link that confirms it, as part of the
    change `asked` (the addresses) and `method`, which the caller has just recorded."""
    account = account_for(session, actor, account.id)
    change = latest_change(session, account.id)
    expires = clock.now() + LINK_LIFETIME
    organization = session.get(Organization, account.organization_id)
    for address in addresses:
        quotas.refuse_too_many_confirmations(session, account)
        token = links.signed(PURPOSE, {"a": account.id, "m": address, "l": asked, "k": method, "c": change,
                                       "u": actor.user_id, "r": actor.role}, expires=expires)
        enqueue_email(
            session,
            recipients=[address],
            subject=f"Подтвердите адрес для счетов по лицевому счету {account.number}",
            body=(
                f"Здравствуйте!\n\nВ Личном кабинете {organization.name} этот адрес указан для доставки счетов и "
                f"документов по лицевому счету {account.number}.\n\n"
                f"Чтобы они приходили сюда, откройте ссылку до {expires:%d.%m.%Y %H:%M}:\n"
                f"{settings.get().public_url}{routes.address_confirmation(token)}\n\n"
                "Пока адрес не подтвержден, документы на него не отправляются. Если вы не ждали этого письма, "
                "просто удалите его."
            ),
        )
        audit.record(session, action=quotas.CONFIRMATION_SENT, actor=actor, account_id=account.id,
                     object_kind="account", object_id=account.id, email=address,
                     expires_at=expires.isoformat(timespec="minutes"))
        session.flush()  # the next address's quota counts this letter


@dataclass(frozen=True)
class _Link:
    account: PersonalAccount
    user: User
    address: str
    asked: list[str]
    method: str


def _honoured(session: Session, token: str) -> _Link:
    """What a link asks, if it is still to be honoured; AccessDenied for a forged, expired or stale link, or one
    whose author may no longer change the account."""
    fields = links.unsigned(PURPOSE, token, refusal=BAD_LINK)
    try:
        account_id, address, method = int(fields["a"]), str(fields["m"]), str(fields["k"])
        asked, change = [str(a) for a in fields["l"]], int(fields["c"])
        user_id, role = int(fields["u"]), str(fields["r"])
    except (KeyError, TypeError, ValueError):
        raise AccessDenied(BAD_LINK) from None
    account = session.get(PersonalAccount, account_id)
    user = session.get(User, user_id)
    if (account is None or user is None or address not in asked or role not in user.roles
            or account.organization_id != user.organization_id or account.id not in account_ids_for(session, user, role)):
        raise AccessDenied(BAD_LINK)
    if latest_change(session, account.id) != change:
        raise AccessDenied(STALE_LINK)
    return _Link(account=account, user=user, address=address, asked=asked, method=method)


@serves(PUBLIC)
def address_to_confirm(session: Session, *, token: str) -> ConfirmedAddress:
    """What opening the link will confirm, before the user presses «Подтвердить адрес» (nothing is written: a mail
    scanner that follows the link confirms nothing)."""
    link = _honoured(session, token)
    emails = [a for a in link.asked if a in set(link.account.delivery_emails or []) | {link.address}]
    return ConfirmedAddress(address=link.address, account_number=link.account.number, emails=emails)


@serves(PUBLIC)
def confirm_delivery_address(session: Session, *, token: str) -> ConfirmedAddress:
    """«Подтвердить адрес»: the address joins the account's delivery addresses, as the change it belongs to asked
    (the addresses of that change already confirmed, and this one)."""
    link = _honoured(session, token)
    account, user, address, asked, method = link.account, link.user, link.address, link.asked, link.method
    confirmed = set(account.delivery_emails or []) | {address}
    before = list(account.delivery_emails or [])
    account.delivery_emails = [a for a in asked if a in confirmed]
    account.delivery_method = method
    session.add(account)
    audit.record(session, action=CONFIRMED, user_id=user.id, organization_id=account.organization_id,
                 account_id=account.id, object_kind="account", object_id=account.id, email=address,
                 emails_before=", ".join(before), emails=", ".join(account.delivery_emails), method=method)
    session.flush()
    return ConfirmedAddress(address=address, account_number=account.number, emails=list(account.delivery_emails))
