"""The reconciliation act («Акт сверки взаимных расчетов») of an account for a period, as PDF (C7).

    load_reconciliation(session, account_id=..., date_from=..., date_to=...) -> ReconciliationAct  (the figures)
    render_reconciliation(session, account_id=..., date_from=..., date_to=...) -> RenderedDocument  (the PDF)

Sign convention, the same as PersonalAccount.balance: balance = payments − invoices, so a negative balance is
the client's debt to the operator and a positive one its overpayment. In the act's table the regular invoices
are the debit (they raise the client's debt) and the payments the credit; an opening or closing balance
stands in the debit column when it is a debt and in the credit column when it is an overpayment.
Preliminary invoices (P9) are not accounting documents and are left out. Both dates are inclusive.
No access check here: the caller has checked the actor's right to the account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from cabinet import clock
from cabinet.documents.common import (
    FONT,
    OPERATOR,
    PDF,
    ZERO,
    DocumentPDF,
    Party,
    RenderedDocument,
    party_of,
)
from cabinet.models import Invoice, Organization, Payment, PersonalAccount
from cabinet.text import CURRENCY, ddmmyyyy, money_text, to_money

TITLE = "Акт сверки взаимных расчетов"


@dataclass(frozen=True)
class ActEntry:
    day: dt.date
    document: str
    debit: Decimal  # invoiced (0 for a payment)
    credit: Decimal  # paid (0 for an invoice)


@dataclass(frozen=True)
class ReconciliationAct:
    seller: Party
    buyer: Party
    account_number: str
    contract: str
    date_from: dt.date
    date_to: dt.date
    made_on: dt.date
    opening_balance: Decimal  # payments − invoices before date_from
    entries: tuple[ActEntry, ...]  # by date; on one day invoices before payments

    @property
    def debit_turnover(self) -> Decimal:
        return to_money(sum((entry.debit for entry in self.entries), ZERO))

    @property
    def credit_turnover(self) -> Decimal:
        return to_money(sum((entry.credit for entry in self.entries), ZERO))

    @property
    def closing_balance(self) -> Decimal:
        return to_money(self.opening_balance + self.credit_turnover - self.debit_turnover)

    @property
    def period_text(self) -> str:
        return f"с {ddmmyyyy(self.date_from)} по {ddmmyyyy(self.date_to)}"

    def filename(self) -> str:
        return f"Акт_сверки_{self.account_number}_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}.pdf"


def load_reconciliation(session: Session, *, account_id: int, date_from: dt.date, date_to: dt.date) -> ReconciliationAct:
    if date_from > date_to:
        raise ValueError("Начало периода позже его конца")
    account = session.get(PersonalAccount, account_id)
    if account is None:
        raise LookupError(f"Лицевой счет {account_id} не найден")
    organization = session.get(Organization, account.organization_id)
    connection = session.connection()
    regular = (Invoice.account_id == account.id, Invoice.is_regular.is_(True))
    invoiced_before = connection.execute(
        select(func.coalesce(func.sum(Invoice.amount), 0)).where(*regular, Invoice.issued_on < date_from)
    ).scalar_one()
    paid_before = connection.execute(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.account_id == account.id,
                                                                 Payment.paid_on < date_from)
    ).scalar_one()
    invoices = connection.execute(
        select(Invoice.issued_on, Invoice.number, Invoice.period, Invoice.amount, Invoice.id)
        .where(*regular, Invoice.issued_on >= date_from, Invoice.issued_on <= date_to)
    ).all()
    payments = connection.execute(
        select(Payment.paid_on, Payment.method, Payment.reference, Payment.amount, Payment.id)
        .where(Payment.account_id == account.id, Payment.paid_on >= date_from, Payment.paid_on <= date_to)
    ).all()
    keyed = [((day, 0, row_id), ActEntry(day, f"Счет № {number} от {ddmmyyyy(day)} (за {period:%m.%Y})",
                                         to_money(amount), ZERO))
             for day, number, period, amount, row_id in invoices]
    keyed += [((day, 1, row_id), ActEntry(day, _payment_text(day, method, reference), ZERO, to_money(amount)))
              for day, method, reference, amount, row_id in payments]
    keyed.sort(key=lambda pair: pair[0])
    contract = ""
    if organization.contract_number:
        contract = f"№ {organization.contract_number} от {ddmmyyyy(organization.contract_date)}"
    return ReconciliationAct(
        seller=OPERATOR, buyer=party_of(organization), account_number=account.number, contract=contract,
        date_from=date_from, date_to=date_to, made_on=clock.today(),
        opening_balance=to_money(Decimal(paid_before) - Decimal(invoiced_before)),
        entries=tuple(entry for _, entry in keyed),
    )


def _payment_text(day: dt.date, method: str, reference: str) -> str:
    text = f"Оплата от {ddmmyyyy(day)}"
    if method:
        text += f", {method.lower()}"
    if reference:
        text += f", {reference}"
    return text


def render_reconciliation(session: Session, *, account_id: int, date_from: dt.date, date_to: dt.date) -> RenderedDocument:
    act = load_reconciliation(session, account_id=account_id, date_from=date_from, date_to=date_to)
    return RenderedDocument(act.filename(), PDF, reconciliation_pdf(act))


def balance_words(act: ReconciliationAct, balance: Decimal) -> str:
    """Who owes whom, in words: «задолженность в пользу <seller> 123,45 BYN»."""
    if balance < 0:
        return f"задолженность в пользу {act.seller.name} {money_text(-balance)} {CURRENCY}"
    if balance > 0:
        return f"задолженность в пользу {act.buyer.name} (переплата) {money_text(balance)} {CURRENCY}"
    return "задолженность отсутствует"


# --- PDF --------------------------------------------------------------------------------------------------------

COLUMNS = ((10, "C", "№"), (22, "C", "Дата"), (104, "L", "Документ"),
           (25, "R", f"Дебет, {CURRENCY}"), (25, "R", f"Кредит, {CURRENCY}"))
ROW = 5.0


def _split(balance: Decimal) -> tuple[str, str]:
    """A balance in the (debit, credit) columns: a debt is debit, an overpayment credit."""
    if balance < 0:
        return money_text(-balance), ""
    if balance > 0:
        return "", money_text(balance)
    return money_text(ZERO), ""


def reconciliation_pdf(act: ReconciliationAct) -> bytes:
    pdf = DocumentPDF(title=f"{TITLE} {act.period_text}", footer_text=f"{TITLE}, лицевой счет {act.account_number}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 7, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.5, f"за период {act.period_text} между {act.seller.name} и {act.buyer.name}"
                           f"{f' по договору {act.contract}' if act.contract else ''}, лицевой счет {act.account_number}",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, f"г. Минск, {ddmmyyyy(act.made_on)}", align="R", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    half = (pdf.epw - 6) / 2
    left = pdf.party_block(pdf.l_margin, top, half, "Поставщик", act.seller)
    right = pdf.party_block(pdf.l_margin + half + 6, top, half, "Покупатель", act.buyer)
    pdf.set_xy(pdf.l_margin, max(left, right) + 3)
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(0, 4.5, "Мы, нижеподписавшиеся, составили настоящий акт о том, что состояние взаимных расчетов "
                           "по данным учета следующее:", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _table(pdf, act)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(0, 5, f"По данным {act.seller.name} на {ddmmyyyy(act.date_to)}: {balance_words(act, act.closing_balance)}.",
                   align="L", new_x="LMARGIN", new_y="NEXT")
    _signatures(pdf, act)
    return pdf.bytes()


def _table_header(pdf: DocumentPDF) -> None:
    pdf.set_font(FONT, "B", 8)
    pdf.set_fill_color(230, 230, 230)
    for width, _, caption in COLUMNS:
        pdf.cell(width, ROW + 1, caption, border=1, align="C", fill=True)
    pdf.ln()
    pdf.set_font(FONT, "", 8)


def _table(pdf: DocumentPDF, act: ReconciliationAct) -> None:
    _table_header(pdf)

    def row(cells: tuple[str, str, str, str, str], *, bold: bool = False) -> None:
        """One table row; a long document name runs onto more lines, the row grows with it."""
        pdf.set_font(FONT, "B" if bold else "", 8)
        parts = pdf.fit(cells[2], COLUMNS[2][0] - 2 * pdf.c_margin)
        height = ROW * len(parts)
        if pdf.will_page_break(height):
            pdf.add_page()
            _table_header(pdf)
            pdf.set_font(FONT, "B" if bold else "", 8)
        y, x = pdf.get_y(), pdf.l_margin
        for index, ((width, align, _), value) in enumerate(zip(COLUMNS, cells)):
            pdf.rect(x, y, width, height)
            for k, part in enumerate(parts if index == 2 else [value]):
                pdf.set_xy(x, y + k * ROW)
                pdf.cell(width, ROW, part, align=align)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    debit, credit = _split(act.opening_balance)
    row(("", "", f"Сальдо на {ddmmyyyy(act.date_from)}", debit, credit), bold=True)
    for number, entry in enumerate(act.entries, start=1):
        row((str(number), ddmmyyyy(entry.day), entry.document,
             money_text(entry.debit) if entry.debit else "", money_text(entry.credit) if entry.credit else ""))
    if not act.entries:
        row(("", "", "Документов за период нет", "", ""))
    row(("", "", "Обороты за период", money_text(act.debit_turnover), money_text(act.credit_turnover)), bold=True)
    debit, credit = _split(act.closing_balance)
    row(("", "", f"Сальдо на {ddmmyyyy(act.date_to)}", debit, credit), bold=True)


def _signatures(pdf: DocumentPDF, act: ReconciliationAct) -> None:
    if pdf.will_page_break(45):
        pdf.add_page()
    pdf.ln(6)
    half = (pdf.epw - 10) / 2
    top = pdf.get_y()
    for index, (caption, party) in enumerate((("От Поставщика", act.seller), ("От Покупателя", act.buyer))):
        x = pdf.l_margin + index * (half + 10)
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(half, 5, caption, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 8.5)
        pdf.multi_cell(half, 4.5, party.name, align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(8)
        pdf.set_x(x)
        pdf.cell(half, 5, "Руководитель ________________ / ______________ /", new_x="LEFT", new_y="NEXT")
        pdf.ln(4)
        pdf.set_x(x)
        pdf.cell(half, 5, "Главный бухгалтер ___________ / ______________ /", new_x="LEFT", new_y="NEXT")
        pdf.ln(2)
        pdf.set_x(x)
        pdf.cell(half, 5, "М.П.", new_x="LEFT", new_y="NEXT")
