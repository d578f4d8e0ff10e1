"""The invoice («Счет»): loaded from the database, rendered as PDF, xlsx or txt (C2, C3; P5, P6, P9 reuse it).

    doc = load_invoice(session, invoice_id)         # requisites, totals, and `doc.lines()` streaming the lines
    render_invoice(doc, "pdf") -> RenderedDocument  # one of INVOICE_FORMATS: "pdf" | "xlsx" | "txt"

The formats an account may choose (C3) are listed once, in `INVOICE_FORMATS` at the end of this module: code,
title shown to the user, content type, file extension and renderer; `DEFAULT_FORMAT` is the one of a new account.

No access check here: the service or the worker calling this has checked the actor's right to the invoice.
The lines are never all in memory: `doc.lines()` streams them from SQL in batches, and every format writes
them as they come (an invoice of a 100,000-subscriber account has a few hundred thousand lines), adding them up
in a `Tally` as they go: the totals printed under the lines are the sums of the lines printed (see `vat_in`).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from cabinet.documents.common import (
    DATE_FORMAT,
    FONT,
    OPERATOR,
    OPERATOR_CONTACTS,
    PDF,
    TXT,
    VAT_TITLE,
    XLSX,
    ZERO,
    DocumentPDF,
    Party,
    RenderedDocument,
    cell,
    money_cell,
    new_workbook,
    party_of,
    set_widths,
    vat_in,
    workbook_bytes,
    wrap,
)
from cabinet.models import ChargeLine, Invoice, Organization, PersonalAccount
from cabinet.text import CURRENCY, ddmmyyyy, money_in_words, money_text, month_title

STREAM_BATCH = 2_000


class InvoiceLine(NamedTuple):
    number: str | None  # the subscriber's number; None for a line of the whole account
    description: str
    amount: Decimal  # with VAT
    vat: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice shows. `lines()` returns a fresh iterator over its lines each time it is called."""

    seller: Party
    buyer: Party
    account_number: str
    invoice_number: str
    period: dt.date  # first day of the billed month
    issued_on: dt.date
    due_on: dt.date
    lines: Callable[[], Iterator[InvoiceLine]] = field(repr=False, compare=False)
    contract: str = ""  # «№ К-2019/0457 от 15.01.2019»
    title: str = "Счет"  # «Предварительный счет» for a preliminary one (P9)

    @property
    def period_title(self) -> str:
        return month_title(self.period)

    @property
    def heading(self) -> str:
        return f"{self.title} № {self.invoice_number} от {ddmmyyyy(self.issued_on)}"

    def filename(self, extension: str) -> str:
        return f"{self.title.replace(' ', '_')}_{self.account_number}_{self.period:%Y-%m}.{extension}"


def load_invoice(session: Session, invoice_id: int) -> InvoiceDocument:
    """The invoice with its account and organisation; its lines are read only when `lines()` is iterated,
    through `session`, so the session must stay open until the document is rendered."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise LookupError(f"Счет {invoice_id} не найден")
    account = session.get(PersonalAccount, invoice.account_id)
    organization = session.get(Organization, account.organization_id)
    contract = ""
    if organization.contract_number:
        contract = f"№ {organization.contract_number} от {ddmmyyyy(organization.contract_date)}"
    return InvoiceDocument(
        seller=OPERATOR,
        buyer=party_of(organization),
        account_number=account.number,
        invoice_number=invoice.number,
        period=invoice.period,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        lines=lambda: stream_invoice_lines(session, invoice.id),
        contract=contract,
        title="Счет" if invoice.is_regular else "Предварительный счет",
    )


def stream_invoice_lines(session: Session, invoice_id: int, *, batch: int = STREAM_BATCH) -> Iterator[InvoiceLine]:
    """The invoice's lines ordered by subscriber number (account-wide lines first) then description, fetched
    `batch` rows at a time (a server-side cursor on PostgreSQL)."""
    table = ChargeLine.__table__
    statement = (
        select(table.c.number, table.c.description, table.c.amount, table.c.vat)
        .where(table.c.invoice_id == invoice_id)
        .order_by(table.c.number.nulls_first(), table.c.description, table.c.id)
        .execution_options(stream_results=True, yield_per=batch)
    )
    result = session.connection().execute(statement)
    try:
        for number, description, amount, vat in result:
            yield InvoiceLine(number, description, amount, vat)
    finally:
        result.close()


def render_invoice(doc: InvoiceDocument, fmt: str) -> RenderedDocument:
    """The invoice as a file in one of `INVOICE_FORMATS` ("pdf" is the default format of an account)."""
    invoice_format = INVOICE_FORMATS.get(fmt)
    if invoice_format is None:
        raise ValueError(f"Неизвестный формат счета: {fmt!r} (возможны: {', '.join(INVOICE_FORMATS)})")
    return RenderedDocument(doc.filename(invoice_format.extension), invoice_format.content_type,
                            invoice_format.render(doc))


class Tally:
    """The lines of an invoice as they are printed, each with its VAT by the one rule (`vat_in`), added up on the
    way: once they are all printed, `amount` and `vat` are the invoice's totals, equal to the sums of its columns."""

    def __init__(self, lines: Iterator[InvoiceLine]):
        self._lines = lines
        self.amount = self.vat = ZERO
        self.count = 0

    def __iter__(self) -> Iterator[InvoiceLine]:
        for number, description, amount, _ in self._lines:
            vat = vat_in(amount)
            self.amount += amount
            self.vat += vat
            self.count += 1
            yield InvoiceLine(number, description, amount, vat)

    @property
    def amount_without_vat(self) -> Decimal:
        return self.amount - self.vat


# --- what every format shows ------------------------------------------------------------------------------------

HEADERS = ("№ п/п", "Номер абонента", "Наименование", f"Сумма с НДС, {CURRENCY}", f"в т.ч. {VAT_TITLE}, {CURRENCY}")


def _facts(doc: InvoiceDocument) -> list[tuple[str, str]]:
    facts = [("Период", doc.period_title), ("Лицевой счет", doc.account_number)]
    if doc.contract:
        facts.append(("Договор", doc.contract))
    facts.append(("Срок оплаты", f"до {ddmmyyyy(doc.due_on)}"))
    return facts


def _totals(tally: Tally) -> list[tuple[str, Decimal]]:
    return [("Итого без НДС", tally.amount_without_vat), (VAT_TITLE, tally.vat), ("Всего с НДС", tally.amount)]


TO_PAY = "Итого к оплате"


def to_pay_in_words(amount: Decimal) -> str:
    """«Сумма к оплате: одна тысяча двести тридцать четыре рубля 50 копеек»"""
    return f"Сумма к оплате: {money_in_words(amount)}"


def _notes(doc: InvoiceDocument) -> list[str]:
    payment = (f"Оплатить до {ddmmyyyy(doc.due_on)} на расчетный счет поставщика, указав в назначении платежа "
               f"номер лицевого счета {doc.account_number} и номер счета {doc.invoice_number}.")
    return [payment, OPERATOR_CONTACTS]


# --- PDF --------------------------------------------------------------------------------------------------------

# Columns: (width mm, right-aligned); 186 mm between the 12 mm margins of A4.
PDF_COLUMNS = ((12, True), (25, False), (97, False), (26, True), (26, True))
PDF_HEADERS = ("№ п/п", "Номер\nабонента", "Наименование", f"Сумма с НДС,\n{CURRENCY}", f"{VAT_TITLE},\n{CURRENCY}")
ROW_HEIGHT = 4.0
TABLE_FONT = 7.5
PAD = 1.0


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    pdf = DocumentPDF(title=doc.heading, footer_text=f"{doc.heading}, лицевой счет {doc.account_number}")
    pdf.add_page()
    _pdf_header(pdf, doc)
    xs = [pdf.l_margin]
    for width, _ in PDF_COLUMNS:
        xs.append(xs[-1] + width)
    bottom = pdf.h - pdf.b_margin
    y = _pdf_table_header(pdf, xs)
    digit = pdf.width_of("0")  # DejaVu Sans digits are tabular: a running number's width is len × digit
    number_right = xs[1] - PAD
    amount_right, vat_right = xs[4] - PAD, xs[5] - PAD
    text, width_of, fit, line = pdf.text, pdf.width_of, pdf.fit, pdf.line
    description_width = PDF_COLUMNS[2][0] - 2 * PAD
    tally = Tally(doc.lines())
    position = 0
    for number, description, amount, vat in tally:
        position += 1
        parts = fit(description, description_width)
        height = ROW_HEIGHT * len(parts)
        if y + height > bottom:
            pdf.add_page()
            y = _pdf_table_header(pdf, xs)
        base = y + ROW_HEIGHT - 1.2
        index = str(position)
        text(number_right - digit * len(index), base, index)
        if number:
            text(xs[1] + PAD, base, number)
        for k, part in enumerate(parts):
            text(xs[2] + PAD, base + k * ROW_HEIGHT, part)
        shown = money_text(amount)
        text(amount_right - width_of(shown), base, shown)
        shown = money_text(vat)
        text(vat_right - width_of(shown), base, shown)
        y += height
        line(xs[0], y, xs[-1], y)
    if position == 0:
        pdf.set_xy(xs[0], y)
        pdf.cell(xs[-1] - xs[0], ROW_HEIGHT * 1.5, "Начислений за период нет", align="C")
        y += ROW_HEIGHT * 1.5
    _pdf_totals(pdf, doc, tally, xs, y, bottom)
    return pdf.bytes()


def _pdf_header(pdf: DocumentPDF, doc: InvoiceDocument) -> None:
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 7, doc.heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 5, f"за услуги электросвязи, период: {doc.period_title}", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    half = (pdf.epw - 6) / 2
    left = pdf.party_block(pdf.l_margin, top, half, "Поставщик", doc.seller)
    right = pdf.party_block(pdf.l_margin + half + 6, top, half, "Плательщик", doc.buyer)
    pdf.set_xy(pdf.l_margin, max(left, right) + 2)
    pdf.set_font(FONT, "", 8.5)
    for label, value in _facts(doc):
        pdf.set_font(FONT, "B", 8.5)
        pdf.cell(pdf.width_of(f"{label}: ") + 0.5, 4.5, f"{label}: ")
        pdf.set_font(FONT, "", 8.5)
        pdf.cell(0, 4.5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _pdf_table_header(pdf: DocumentPDF, xs: list[float]) -> float:
    """The column captions at the current y (a new page: under the top margin); returns the first row's y.
    Drawn with text() like the rows: multi_cell's line breaking would cost more than the rows of a page."""
    y = max(pdf.get_y(), pdf.t_margin)
    height = 2 * ROW_HEIGHT
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(230, 230, 230)
    for (width, _), x in zip(PDF_COLUMNS, xs):
        pdf.rect(x, y, width, height, style="DF")
    pdf.set_fill_color(0, 0, 0)  # text() wraps every string in a colour change while fill ≠ text colour
    pdf.set_font(FONT, "B", TABLE_FONT)
    for (width, right), x, caption in zip(PDF_COLUMNS, xs, PDF_HEADERS):
        for k, part in enumerate(caption.split("\n")):
            left = x + width - PAD - pdf.width_of(part) if right else x + PAD
            pdf.text(left, y + ROW_HEIGHT - 1.2 + k * ROW_HEIGHT, part)
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.1)
    pdf.set_font(FONT, "", TABLE_FONT)
    return y + height


def _pdf_totals(pdf: DocumentPDF, doc: InvoiceDocument, tally: Tally, xs: list[float], y: float,
                bottom: float) -> None:
    if y + 36 > bottom:
        pdf.add_page()
        y = pdf.t_margin
    pdf.set_draw_color(0, 0, 0)
    label_x, label_w, value_w = xs[2], xs[3] - xs[2], xs[5] - xs[3]
    pdf.set_xy(label_x, y + 2)
    pdf.set_font(FONT, "", 8.5)
    for label, value in _totals(tally):
        pdf.set_x(label_x)
        pdf.cell(label_w, 5, f"{label}:", align="R")
        pdf.cell(value_w, 5, money_text(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 10)
    pdf.set_x(label_x)
    pdf.cell(label_w, 6, f"{TO_PAY}, {CURRENCY}:", align="R")
    pdf.cell(value_w, 6, money_text(tally.amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 8.5)
    pdf.multi_cell(0, 4.5, to_pay_in_words(tally.amount), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 8)
    for note in _notes(doc):
        pdf.multi_cell(0, 4, note, align="L", new_x="LMARGIN", new_y="NEXT")


# --- xlsx -------------------------------------------------------------------------------------------------------

XLSX_WIDTHS = (9, 16, 62, 18, 18)


def invoice_xlsx(doc: InvoiceDocument) -> bytes:
    workbook = new_workbook()
    sheet = workbook.create_sheet("Счет")
    set_widths(sheet, XLSX_WIDTHS)
    append = sheet.append
    append([cell(sheet, doc.heading, bold=True)])
    append(["за услуги электросвязи"])
    append([])
    for caption, party in (("Поставщик", doc.seller), ("Плательщик", doc.buyer)):
        append([cell(sheet, f"{caption}:", bold=True), None, cell(sheet, party.name, bold=True)])
        for line in party.requisites():
            append([None, None, line])
    append([])
    for label, fact in _facts(doc):
        append([cell(sheet, f"{label}:", bold=True), None, fact])
    append([cell(sheet, "Дата счета:", bold=True), None, cell(sheet, doc.issued_on, number_format=DATE_FORMAT)])
    append([])
    append([cell(sheet, caption, bold=True, wrap_text=True) for caption in HEADERS])
    tally = Tally(doc.lines())
    position = 0
    for number, description, amount, vat in tally:
        position += 1
        append((position, number, description, money_cell(sheet, amount), money_cell(sheet, vat)))
    if position == 0:
        append([None, None, "Начислений за период нет"])
    append([])
    for label, value in _totals(tally):
        append([None, None, cell(sheet, f"{label}:", bold=True), money_cell(sheet, value)])
    append([None, None, cell(sheet, f"{TO_PAY}, {CURRENCY}:", bold=True), money_cell(sheet, tally.amount, bold=True)])
    return workbook_bytes(workbook)


# --- txt --------------------------------------------------------------------------------------------------------

# (width in characters, right-aligned); two spaces between columns.
TXT_COLUMNS = ((7, True), (14, False), (56, False), (16, True), (16, True))
TXT_GAP = "  "
TXT_WIDTH = sum(width for width, _ in TXT_COLUMNS) + len(TXT_GAP) * (len(TXT_COLUMNS) - 1)
TXT_FLUSH = 2_000  # lines encoded and written at once


def _txt_row(cells) -> str:
    return TXT_GAP.join(value.rjust(width) if right else value.ljust(width)
                        for value, (width, right) in zip(cells, TXT_COLUMNS))


def invoice_txt(doc: InvoiceDocument) -> bytes:
    out = io.BytesIO()
    head = [doc.heading.upper(), "за услуги электросвязи", ""]
    for caption, party in (("Поставщик", doc.seller), ("Плательщик", doc.buyer)):
        head += wrap(f"{caption}: {party.name}", TXT_WIDTH)
        head += [f"  {part}" for line in party.requisites() for part in wrap(line, TXT_WIDTH - 2)]
        head.append("")
    head += [f"{label}: {value}" for label, value in _facts(doc)]
    head.append("")
    rule = "-" * TXT_WIDTH
    captions = [wrap(caption, width) for caption, (width, _) in zip(HEADERS, TXT_COLUMNS)]
    head.append(rule)
    head += [_txt_row(parts) for parts in itertools.zip_longest(*captions, fillvalue="")]
    head.append(rule)
    out.write(("\n".join(head) + "\n").encode("utf-8"))

    description_width = TXT_COLUMNS[2][0]
    w_index, w_number, w_description, w_amount, w_vat = (width for width, _ in TXT_COLUMNS)
    wrapped: dict[str, list[str]] = {}
    chunk: list[str] = []
    tally = Tally(doc.lines())
    position = 0
    for number, description, amount, vat in tally:
        position += 1
        if len(description) <= description_width:
            parts = [description]
        else:
            parts = wrapped.get(description) or wrapped.setdefault(description, wrap(description, description_width))
        chunk.append(f"{position:>{w_index}}{TXT_GAP}{number or '':<{w_number}}{TXT_GAP}{parts[0]:<{w_description}}"
                     f"{TXT_GAP}{money_text(amount):>{w_amount}}{TXT_GAP}{money_text(vat):>{w_vat}}")
        for part in parts[1:]:
            chunk.append(_txt_row(("", "", part, "", "")))
        if len(chunk) >= TXT_FLUSH:
            out.write(("\n".join(chunk) + "\n").encode("utf-8"))
            chunk.clear()
    if position == 0:
        chunk.append(_txt_row(("", "", "Начислений за период нет", "", "")))
    chunk.append(rule)
    label_width = TXT_WIDTH - w_vat - len(TXT_GAP)
    for label, value in [*_totals(tally), (f"{TO_PAY}, {CURRENCY}", tally.amount)]:
        chunk.append(f"{label + ':':>{label_width}}{TXT_GAP}{money_text(value):>{w_vat}}")
    chunk.append(rule)
    chunk.append("")
    chunk += [part for note in _notes(doc) for part in wrap(note, TXT_WIDTH)]
    out.write(("\n".join(chunk) + "\n").encode("utf-8"))
    return out.getvalue()


# --- the formats ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InvoiceFormat:
    """One format an account's invoices may be delivered in (C3)."""

    code: str  # stored in PersonalAccount.invoice_format and in a request's params
    title: str  # what the user sees: «PDF», «Excel», «txt»
    content_type: str
    extension: str
    render: Callable[[InvoiceDocument], bytes] = field(repr=False, compare=False)
    aliases: tuple[str, ...] = ()  # other words a caller may send for it ("excel")


INVOICE_FORMATS: dict[str, InvoiceFormat] = {f.code: f for f in (
    InvoiceFormat("pdf", "PDF", PDF, "pdf", invoice_pdf),
    InvoiceFormat("xlsx", "Excel", XLSX, "xlsx", invoice_xlsx, aliases=("excel",)),
    InvoiceFormat("txt", "txt", TXT, "txt", invoice_txt),
)}
DEFAULT_FORMAT = "pdf"


def find_format(value: str | None) -> InvoiceFormat | None:
    """The format named by a code or an alias, in any case and with spaces around; None for anything else."""
    word = (value or "").strip().lower()
    for invoice_format in INVOICE_FORMATS.values():
        if word == invoice_format.code or word in invoice_format.aliases:
            return invoice_format
    return None


def format_or_default(code: str | None) -> InvoiceFormat:
    """The format stored for an account, or the default one when the stored value is not a known code."""
    return INVOICE_FORMATS.get(code or "") or INVOICE_FORMATS[DEFAULT_FORMAT]


def format_title(code: str | None) -> str:
    """«PDF», «Excel», «txt»; an unknown code is shown as it is."""
    invoice_format = INVOICE_FORMATS.get(code or "")
    return invoice_format.title if invoice_format else (code or "")


def format_options() -> list[tuple[str, str]]:
    """(code, title) of every format, in the order the user is offered them."""
    return [(f.code, f.title) for f in INVOICE_FORMATS.values()]
