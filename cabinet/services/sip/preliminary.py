"""«Начисления за текущий период» (P9): a preliminary invoice of the current month, for the whole account
(«Лицевой счет») or for a typed list of numbers («Ввести свой список абонентов»), built by the worker once every
subscriber is checked and e-mailed to the organisation's address for the SIP cabinet."""

from __future__ import annotations

import re

from sqlmodel import Session

from cabinet import clock
from cabinet.models import RequestKind
from cabinet.services.access import SIP, Actor, account_for, serves
from cabinet.services.errors import DomainError
from cabinet.services.finance import quotas
from cabinet.services.requests.store import ItemDraft, OrderResult
from cabinet.services.sip.invoices import organisation_address
from cabinet.services.subscribers.choice import Choice, chosen_subscribers
from cabinet.services.subscribers.uploads import UploadRejected
from cabinet.services.validation import clean_digits, phone_number
from cabinet.text import abonents, month_words

MAX_TYPED = 500
NUMBER_DIGITS = 12


def typed_numbers(text: str) -> list[str]:
    """The numbers of «Ввести свой список абонентов»: one per line or separated by commas, semicolons or spaces
    (a number may itself be typed with spaces, dashes or a plus); each checked, duplicates dropped, order kept."""
    found: list[str] = []
    for line in re.split(r"[,;\r\n]+", text or ""):
        pieces = [line] if len(clean_digits(line)) == NUMBER_DIGITS else line.split()
        for piece in (p for p in pieces if p.strip()):
            try:
                number = phone_number(piece)
            except DomainError:
                raise DomainError(f"«{piece.strip()}» — не номер телефона: 12 цифр, начиная с 375.") from None
            if number not in found:
                found.append(number)
    if not found:
        raise DomainError("Введите номера абонентов.")
    if len(found) > MAX_TYPED:
        raise DomainError(f"В списке — не более {MAX_TYPED} номеров.")
    return found


@serves(SIP)
def order_preliminary_invoice(
    session: Session, *, actor: Actor, account_id: int, numbers: str | None = None, idempotency_key: str
) -> OrderResult:
    """`numbers` None: the whole account; otherwise the typed list, every number on this account."""
    account = account_for(session, actor, account_id)
    recipients = organisation_address(session, account)
    choice = Choice(all_matching="") if numbers is None else Choice(numbers=typed_numbers(numbers))
    try:
        chosen = chosen_subscribers(session, actor=actor, account_id=account.id, choice=choice)
    except UploadRejected as missing:  # a typed number not on this account
        raise DomainError(f"Нет на этом лицевом счете: {', '.join(e.value for e in missing.errors)}.") from None
    period = month_words(clock.today())
    dto = quotas.submit_document_order(
        session, actor=actor, account_id=account.id, kind=RequestKind.PRELIMINARY_INVOICE,
        params={"recipients": recipients, "period": period, "whole": numbers is None},
        items=[ItemDraft(subscriber_id=c.id, number=c.number) for c in chosen], idempotency_key=idempotency_key,
        expected_on=clock.today(), summary=f"Предварительный счет за {period}: {abonents(len(chosen))}",
    )
    return OrderResult(request_id=dto.id, recipients=recipients, expected_on=dto.expected_on,
                       message=f"Предварительный счет за {period} ({abonents(dto.total_items)}) будет отправлен "
                               f"на {', '.join(recipients)}.")
