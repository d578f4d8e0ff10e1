"""Regular monthly invoices with charge lines, and the payments for them.

Every invoice is paid except the last regular one (the previous month), so the account's balance is
minus that invoice. Amounts include VAT 20 %: vat = amount / 6.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from cabinet.models import ChargeLine, Invoice, Payment, PersonalAccount
from cabinet.seed.catalogue import Catalogue
from cabinet.seed.rows import add_months, cents, ids_by, insert_rows, money, month_end, update_row, vat_of
from cabinet.seed.subscribers import Sub

USAGE = "Звонки, SMS и интернет сверх пакета"
USAGE_MEAN = Decimal("4.50")  # what one subscriber's usage line averages (60 % × 7.55)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Account:
    id: int
    number: str


def _subscriber_lines(rng: random.Random, sub: Sub, period_end: dt.date, catalogue: Catalogue):
    """(group, description, amount) charged to one subscriber for one month."""
    tariff = catalogue.tariffs[sub.tariff]
    lines = [("tariff", f"Абонентская плата, тарифный план «{tariff.name}»", tariff.fee)]
    for code, since in sub.services:
        service = catalogue.services[code]
        if since <= period_end and service.fee:
            lines.append(("services", f"Услуга «{service.name}»", service.fee))
    if sub.channels:
        package = catalogue.channel_packages[sub.channels]
        lines.append(("services", f"SIP-многоканальность: {package.name}", package.fee))
    if rng.random() < 0.6:
        lines.append(("usage", USAGE, cents(rng, "0.10", "15.00")))
    return lines


class _FixedFees:
    """Monthly fees of the subscribers connected by a day, summed by a sweep over days in ascending order."""

    def __init__(self, subs: list[Sub], catalogue: Catalogue):
        events: list[tuple[dt.date, str, Decimal]] = []
        for sub in subs:
            if not sub.billable or sub.connected_on is None:
                continue
            events.append((sub.connected_on, "tariff", catalogue.tariffs[sub.tariff].fee))
            events += [(since, "services", catalogue.services[code].fee) for code, since in sub.services]
            if sub.channels:
                events.append((sub.connected_on, "services", catalogue.channel_packages[sub.channels].fee))
        self.events = sorted(events, key=lambda event: event[0])
        self.position = 0
        self.totals = {"tariff": ZERO, "services": ZERO}
        self.subscribers = 0

    def upto(self, day: dt.date) -> tuple[Decimal, Decimal, int]:
        while self.position < len(self.events) and self.events[self.position][0] <= day:
            _, group, fee = self.events[self.position]
            self.totals[group] += fee
            self.subscribers += group == "tariff"
            self.position += 1
        return self.totals["tariff"], self.totals["services"], self.subscribers


def _summary_lines(rng: random.Random, fees: _FixedFees, period_end: dt.date):
    tariffs, services, count = fees.upto(period_end)
    usage = money(count * USAGE_MEAN * Decimal(rng.randint(80, 120)) / 100)
    lines = [(f"Абонентская плата по тарифным планам ({count} абонентов)", tariffs),
             ("Дополнительные услуги", services), (USAGE, usage)]
    return [(None, None, description, amount) for description, amount in lines if amount]


def bill_account(
    session: Session, rng: random.Random, account: Account, subs: list[Sub], catalogue: Catalogue, *,
    today: dt.date, months: int = 36, detailed_months: int = 36,
) -> Decimal:
    """`months` regular invoices up to the previous month; the last `detailed_months` of them itemised per
    subscriber and service, the older ones in three summary lines. Returns the account's balance."""
    current = today.replace(day=1)
    periods = [add_months(current, -back) for back in range(months, 0, -1)]
    fees = _FixedFees(subs, catalogue)
    invoices: list[dict] = []
    payments: list[dict] = []
    lines_by_number: dict[str, list] = {}
    for index, period in enumerate(periods):
        end, following = month_end(period), add_months(period, 1)
        if index >= months - detailed_months:
            lines = [(s.id, s.number, description, amount)
                     for s in subs if s.billable and s.connected_on is not None and s.connected_on <= end
                     for _, description, amount in _subscriber_lines(rng, s, end, catalogue)]
        else:
            lines = _summary_lines(rng, fees, end)
        amount = money(sum((line[3] for line in lines), ZERO))
        number = f"{account.number}-{period:%Y%m}"
        issued = min(following.replace(day=3), today)
        last = index == months - 1
        invoices.append(dict(account_id=account.id, number=number, period=period, issued_on=issued,
                             due_on=following.replace(day=25), amount=amount,
                             vat=sum((vat_of(line[3]) for line in lines), ZERO),
                             paid_amount=ZERO if last else amount, is_regular=True))
        lines_by_number[number] = lines
        if not last:
            paid_on = min(issued + dt.timedelta(days=rng.randint(2, 9)), today)
            payments.append(dict(account_id=account.id, paid_on=paid_on, amount=amount,
                                 method="Банковский перевод", reference=f"п/п № {rng.randint(100, 9999)}"))
    insert_rows(session, Invoice, invoices)
    invoice_ids = ids_by(session, Invoice, "number", Invoice.account_id == account.id)
    insert_rows(session, ChargeLine, [
        dict(invoice_id=invoice_ids[number], subscriber_id=sub_id, number=sub_number, description=description,
             amount=amount, vat=vat_of(amount))
        for number, lines in lines_by_number.items() for sub_id, sub_number, description, amount in lines
    ])
    insert_rows(session, Payment, payments)
    balance = sum((p["amount"] for p in payments), ZERO) - sum((i["amount"] for i in invoices), ZERO)
    update_row(session, PersonalAccount, account.id, balance=balance)
    return balance
