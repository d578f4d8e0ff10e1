"""The documents as a reader sees them: the text inside the PDF (decoded through the font's ToUnicode map, as a
PDF reader does), the xlsx reopened, the txt's columns."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from cabinet.documents.call_detail import NO_CALLS, render_call_detail
from cabinet.documents.common import OPERATOR
from cabinet.documents.invoice import (
    DEFAULT_FORMAT,
    INVOICE_FORMATS,
    TXT_WIDTH,
    find_format,
    format_options,
    format_or_default,
    load_invoice,
    render_invoice,
)
from cabinet.documents.reconciliation import load_reconciliation, render_reconciliation
from cabinet.services.finance import billing
from cabinet.text import money_text, month_title, plural
from tests.unit.factories import (
    make_account,
    make_call,
    make_charge_line,
    make_invoice,
    make_org,
    make_payment,
    make_subscriber,
)
from tests.unit.finance_factories import make_world

# --- reading a PDF the way a viewer does -------------------------------------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.DOTALL)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream", re.DOTALL)
_SHOW = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|\[((?:\\.|[^\]\\])*)\]\s*TJ", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    return re.sub(rb"\\([nrtbf()\\]|[0-7]{1,3})",
                  lambda m: _ESCAPES.get(m.group(1)) or (bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                                                        else m.group(1)), raw)


def pdf_text(content: bytes) -> str:
    """Every string the pages show, one per line, decoded with its font's ToUnicode CMap."""
    objects = {int(num): body for num, body in _OBJECT.findall(content)}

    def stream(num: int) -> bytes:
        head, data = _STREAM.match(objects[num]).groups()
        return zlib.decompress(data) if b"/FlateDecode" in head else data

    def cmap(num: int) -> dict[int, str]:
        text = stream(num)
        pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", text.split(b"endcodespacerange", 1)[1])
        return {int(src, 16): bytes.fromhex(dst.decode()).decode("utf-16-be") for src, dst in pairs}

    fonts: dict[bytes, dict[int, str]] = {}
    for name, num in re.findall(rb"/(F\d+)\s+(\d+) 0 R", content):
        to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects[int(num)])
        if to_unicode:
            fonts[name] = cmap(int(to_unicode.group(1)))
    assert fonts, "no font with a ToUnicode map: a reader could not extract the text"
    pages = [int(num) for num, body in objects.items() if re.search(rb"/Type\s*/Page\b", body)]
    shown: list[str] = []
    for page in sorted(pages):
        for ref in re.findall(rb"/Contents\s+(\d+) 0 R", objects[page]):
            font: dict[int, str] = {}
            for match in _SHOW.finditer(stream(int(ref))):
                if match.group(1):
                    font = fonts.get(match.group(1), {})
                    continue
                parts = [match.group(2)] if match.group(2) is not None else \
                    re.findall(rb"\(((?:\\.|[^\\)])*)\)", match.group(3))
                raw = b"".join(_unescape(part) for part in parts)
                shown.append("".join(font.get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd")
                                     for i in range(0, len(raw) - 1, 2)))
    return "\n".join(shown)


# --- the rows ----------------------------------------------------------------------------------------------------


@pytest.fixture
def billed(session):
    """An organisation with a Cyrillic name, one account, an October invoice of 5 lines (one account-wide)."""
    org = make_org(session, name="ООО «Ромашка и Лютик»", unp="191234567",
                   legal_address="220004, г. Минск, ул. Зеленая, д. 3", bank_details="р/с BY00TEST0000 в ОАО «Банк»",
                   contract_number="К-7/2020")
    account = make_account(session, org, number="1701007700011")
    first = make_subscriber(session, account, number="375291000002")
    second = make_subscriber(session, account, number="375291000001")
    invoice = make_invoice(session, account, dt.date(2026, 10, 1), number="1701007700011-202610",
                           amount="1291.45", vat="215.25", issued_on=dt.date(2026, 11, 3), due_on=dt.date(2026, 11, 25))
    make_charge_line(session, invoice, subscriber_id=first.id, number=first.number,
                     description="Услуга «Кто звонил»", amount="0.99")
    make_charge_line(session, invoice, subscriber_id=first.id, number=first.number,
                     description="Абонентская плата, тарифный план «Бизнес Старт»", amount="15.90")
    make_charge_line(session, invoice, subscriber_id=second.id, number=second.number,
                     description="Абонентская плата, тарифный план «Бизнес Безлимит» для руководителей отделов "
                                 "и их заместителей", amount="42.00")
    make_charge_line(session, invoice, subscriber_id=second.id, number=second.number,
                     description="Звонки, SMS и интернет сверх пакета", amount="1234.56")
    make_charge_line(session, invoice, number=None, description="Перерасчет за сентябрь", amount="-2.00")
    session.commit()
    return org, account, invoice


# --- shared helpers ------------------------------------------------------------------------------------------------


def test_money_months_and_plurals_read_as_in_russian():
    assert money_text(Decimal("1234.5")) == "1 234,50"
    assert money_text(Decimal("1234567.891")) == "1 234 567,89"
    assert money_text(Decimal("-0.5")) == "-0,50"
    assert money_text(0) == "0,00"
    assert month_title(dt.date(2026, 10, 1)) == "Октябрь 2026"
    assert [plural(n, "запись", "записи", "записей") for n in (1, 3, 5, 11, 21, 112)] == \
        ["1 запись", "3 записи", "5 записей", "11 записей", "21 запись", "112 записей"]


# --- the invoice --------------------------------------------------------------------------------------------------


def test_invoice_document_has_both_parties_totals_and_streams_its_lines_in_order(session, billed):
    org, _, invoice = billed
    doc = load_invoice(session, invoice.id)
    assert doc.seller == OPERATOR and doc.seller.bank_details.startswith("р/с BY")
    assert (doc.buyer.name, doc.buyer.unp, doc.buyer.address) == (org.name, "191234567", org.legal_address)
    assert (doc.account_number, doc.invoice_number, doc.period_title) == ("1701007700011", invoice.number,
                                                                          "Октябрь 2026")
    lines = doc.lines()
    assert isinstance(lines, Iterator)  # a stream, not a list
    assert [(line.number, line.description[:12]) for line in lines] == [
        (None, "Перерасчет з"),
        ("375291000001", "Абонентская "),
        ("375291000001", "Звонки, SMS "),
        ("375291000002", "Абонентская "),
        ("375291000002", "Услуга «Кто "),
    ]
    assert sum(1 for _ in doc.lines()) == 5  # each call streams afresh


def test_invoice_pdf_shows_the_buyer_in_cyrillic_the_number_and_the_total(session, billed):
    _, _, invoice = billed
    rendered = render_invoice(load_invoice(session, invoice.id), "pdf")
    assert rendered.filename == "Счет_1701007700011_2026-10.pdf"
    assert rendered.content_type == "application/pdf"
    assert rendered.content.startswith(b"%PDF-")
    assert b"DejaVuSans" in rendered.content and b"/FontFile2" in rendered.content  # the shipped font, embedded
    text = pdf_text(rendered.content)
    assert "ООО «Ромашка и Лютик»" in text
    assert "РУП «Белтелесвязь-Сервис»" in text
    assert "Счет № 1701007700011-202610 от 03.11.2026" in text
    assert "Итого к оплате, BYN:" in text
    assert "1 291,45" in text and "1 234,56" in text and "-2,00" in text
    assert "Октябрь 2026" in text
    assert "375291000001" in text and "Услуга «Кто звонил»" in text
    assert "Ромашка и Василек" not in text  # the reader would fail on a wrong name


def test_invoice_pdf_of_many_lines_runs_over_pages_with_every_line(session, billed):
    _, account, _ = billed
    invoice = make_invoice(session, account, dt.date(2026, 9, 1), amount="1500.00")
    for index in range(150):
        make_charge_line(session, invoice, number=f"37529{index:07d}", description=f"Строка {index:03d}",
                         amount="10.00")
    text = pdf_text(render_invoice(load_invoice(session, invoice.id), "pdf").content)
    pages = [(int(page), int(total)) for page, total in re.findall(r"Страница (\d+) из\s*(\d+)", text)]
    assert len(pages) >= 3 and pages == [(n, len(pages)) for n in range(1, len(pages) + 1)]
    assert all(f"Строка {index:03d}" in text and f"37529{index:07d}" in text for index in range(150))
    assert text.count("Номер") >= 3  # the column captions repeat on every page


def test_invoice_xlsx_has_a_row_per_line_and_the_totals(session, billed):
    _, _, invoice = billed
    rendered = render_invoice(load_invoice(session, invoice.id), "xlsx")
    assert rendered.filename == "Счет_1701007700011_2026-10.xlsx"
    workbook = load_workbook(BytesIO(rendered.content), read_only=True)
    assert workbook.sheetnames == ["Счет"]
    rows = list(workbook["Счет"].iter_rows(values_only=True))
    flat = [value for row in rows for value in row if value is not None]
    assert "ООО «Ромашка и Лютик»" in flat and "УНП 191234567" in flat
    header = next(i for i, row in enumerate(rows) if row and row[0] == "№ п/п")
    lines = [row for row in rows[header + 1:] if row and isinstance(row[0], int)]
    assert [row[0] for row in lines] == [1, 2, 3, 4, 5]
    assert lines[2][1:4] == ("375291000001", "Звонки, SMS и интернет сверх пакета", 1234.56)
    totals = {row[2]: row[3] for row in rows[header + 1:] if row and len(row) > 3 and isinstance(row[2], str)}
    assert totals["Итого к оплате, BYN:"] == pytest.approx(1291.45)
    # VAT rounded per line: 0.17 + 2.65 + 7.00 + 205.76 − 0.33, a kopeck more than 1291.45 / 6 rounded once
    assert totals["НДС 20 %:"] == pytest.approx(215.25)
    assert totals["Итого без НДС:"] == pytest.approx(1076.20)
    cells = next(workbook["Счет"].iter_rows(min_row=header + 2, max_row=header + 2))
    assert cells[3].number_format == "#,##0.00"
    # A second, independent reader (calamine, in Rust) sees the same sheet: the file is not openpyxl-only.
    other = CalamineWorkbook.from_filelike(BytesIO(rendered.content))
    assert other.sheet_names == ["Счет"]
    assert sum(1 for row in other.get_sheet_by_name("Счет").to_python() if isinstance(row[0], (int, float))
               and row[0] and row[1] != "") == 4  # the four subscriber lines (the account-wide one has no number)


def test_invoice_txt_is_utf8_with_aligned_columns(session, billed):
    _, _, invoice = billed
    rendered = render_invoice(load_invoice(session, invoice.id), "txt")
    assert rendered.filename == "Счет_1701007700011_2026-10.txt"
    assert rendered.content_type.startswith("text/plain")
    text = rendered.content.decode("utf-8")  # strict: fails on anything but UTF-8
    lines = text.splitlines()
    assert "ООО «Ромашка и Лютик»" in text and "УНП 191234567" in text
    rules = [i for i, line in enumerate(lines) if line and set(line) == {"-"}]
    table = lines[rules[0]: rules[-1] + 1]
    assert len(table) > 8 and {len(line) for line in table} == {TXT_WIDTH}
    rows = [line for line in lines[rules[1] + 1: rules[2]]]
    assert len([row for row in rows if row[:7].strip().isdigit()]) == 5
    assert len(rows) == 6  # the long description runs onto a second line, in its own column
    amount_end = TXT_WIDTH - 16 - 2  # the amount column is right-aligned: its numbers end in one place
    assert {row[:amount_end].rstrip()[-1] for row in rows if row[:7].strip()} <= set("0123456789")
    assert any(row[:amount_end].endswith("1 234,56") for row in rows)
    assert lines[rules[2] + 4].rstrip().endswith("1 291,45") and "Итого к оплате" in lines[rules[2] + 4]


def test_invoice_format_must_be_known(session, billed):
    with pytest.raises(ValueError):
        render_invoice(load_invoice(session, billed[2].id), "docx")


# --- the formats an account may choose (C3) ---------------------------------------------------------------------

SIGNATURES = {"pdf": b"%PDF-", "xlsx": b"PK\x03\x04", "txt": "Счет № 1701007700011-202610".upper().encode()}


def test_the_formats_offered_are_pdf_excel_and_txt_with_pdf_the_default():
    assert format_options() == [("pdf", "PDF"), ("xlsx", "Excel"), ("txt", "txt")]
    assert DEFAULT_FORMAT == "pdf"


@pytest.mark.parametrize("code", list(INVOICE_FORMATS))
def test_every_offered_format_renders_a_real_file_of_its_type(session, billed, code):
    rendered = render_invoice(load_invoice(session, billed[2].id), code)
    entry = INVOICE_FORMATS[code]
    assert rendered.filename.endswith(f".{entry.extension}") and rendered.content_type == entry.content_type
    assert rendered.content.startswith(SIGNATURES[code])


def test_a_format_is_found_by_its_code_or_its_word_and_an_unknown_one_falls_back_to_pdf():
    assert find_format(" Excel ").code == "xlsx" and find_format("PDF").code == "pdf"
    assert find_format("docx") is None and find_format("") is None and find_format(None) is None
    assert format_or_default("txt").title == "txt"
    assert format_or_default("docx").code == format_or_default(None).code == "pdf"


def test_the_delivery_settings_offer_every_format_and_take_the_word_excel(session):
    world = make_world(session)
    shown = billing.delivery_settings(session, actor=world.actor, account_id=world.account.id)
    assert shown.format_options == [("pdf", "PDF"), ("xlsx", "Excel"), ("txt", "txt")]
    changed = billing.update_delivery(session, actor=world.actor, account_id=world.account.id,
                                      emails="buh@example.test", invoice_format="Excel")
    assert (changed.invoice_format, changed.format_title) == ("xlsx", "Excel")
    assert changed.format_options == shown.format_options


# --- call detail --------------------------------------------------------------------------------------------------


@pytest.fixture
def calls(session):
    org = make_org(session)
    account = make_account(session, org, number="1701008800017")
    talker = make_subscriber(session, account, number="375292000002", name="Петров Петр")
    silent = make_subscriber(session, account, number="375292000001")
    stranger = make_subscriber(session, make_account(session, make_org(session)), number="375293000000")
    make_call(session, talker, started_at=dt.datetime(2026, 10, 31, 23, 59, 59), direction="in", cost="0.00",
              duration_seconds=125, other_number="375441112233", network="other")
    make_call(session, talker, started_at=dt.datetime(2026, 10, 1, 0, 0), cost="0.36", duration_seconds=61,
              network="other")
    make_call(session, talker, started_at=dt.datetime(2026, 10, 5, 9, 30), kind="sms", duration_seconds=0,
              cost="0.08", network="intl")
    make_call(session, talker, started_at=dt.datetime(2026, 9, 30, 23, 59), cost="9.99")  # September
    make_call(session, talker, started_at=dt.datetime(2026, 11, 1, 0, 0), cost="9.99")  # November
    make_call(session, stranger, started_at=dt.datetime(2026, 10, 2, 10, 0), cost="5.55")
    session.commit()
    return account, talker, silent, stranger


def test_call_detail_has_a_sheet_per_subscriber_with_its_calls_and_the_no_calls_note(session, calls):
    account, talker, silent, stranger = calls
    rendered = render_call_detail(session, account_id=account.id, subscriber_ids=[talker.id, silent.id, stranger.id],
                                  year=2026, month=10)
    assert rendered.filename == "Детализация_1701008800017_2026-10.xlsx"
    workbook = load_workbook(BytesIO(rendered.content), read_only=True)
    assert workbook.sheetnames == ["375292000001", "375292000002"]  # by number; the other account's left out

    talked = list(workbook["375292000002"].iter_rows(values_only=True))
    assert ("Абонент:", "375292000002 (Петров Петр)") in talked
    records = [row for row in talked if row and isinstance(row[0], dt.datetime)]
    assert [row[0] for row in records] == [dt.datetime(2026, 10, 1, 0, 0), dt.datetime(2026, 10, 5, 9, 30),
                                           dt.datetime(2026, 10, 31, 23, 59, 59)]
    assert records[0][1:] == ("Исходящий", "375291234567", "Звонок", "Другие операторы", "01:01", 0.36)
    assert records[1][3:6] == ("SMS", "Международная связь", None)
    assert records[2][1:3] == ("Входящий", "375441112233") and records[2][5] == "02:05"
    total = talked[-1]
    assert total[0] == "Итого" and total[1] == "3 записи" and total[5] == "03:06"
    assert total[6] == pytest.approx(0.44)

    quiet = [row for row in workbook["375292000001"].iter_rows(values_only=True) if row]
    assert quiet[-1] == (NO_CALLS,)
    assert not any(isinstance(row[0], dt.datetime) for row in quiet)
    other = CalamineWorkbook.from_filelike(BytesIO(rendered.content))  # an independent reader agrees
    assert other.sheet_names == ["375292000001", "375292000002"]
    assert sum(isinstance(row[0], dt.date) for row in other.get_sheet_by_name("375292000002").to_python()) == 3


def test_call_detail_on_one_sheet_has_the_subscriber_number_column(session, calls):
    account, talker, silent, _ = calls
    rendered = render_call_detail(session, account_id=account.id, subscriber_ids=[talker.id, silent.id],
                                  year=2026, month=10, layout="single_sheet")
    workbook = load_workbook(BytesIO(rendered.content), read_only=True)
    assert workbook.sheetnames == ["Детализация"]
    rows = [row for row in workbook["Детализация"].iter_rows(values_only=True) if row]
    header = rows.index(next(row for row in rows if row[0] == "Номер абонента"))
    body = rows[header + 1:]
    assert body[0][:2] == ("375292000001", NO_CALLS)
    assert [row[0] for row in body[1:]] == ["375292000002"] * 4
    assert all(isinstance(row[1], dt.datetime) for row in body[1:4])
    assert body[4][1:3] == ("Итого по абоненту", "3 записи") and body[4][7] == pytest.approx(0.44)


def test_call_detail_layout_must_be_known(session, calls):
    with pytest.raises(ValueError):
        render_call_detail(session, account_id=calls[0].id, subscriber_ids=[calls[1].id], year=2026, month=10,
                           layout="sideways")


# --- the reconciliation act ---------------------------------------------------------------------------------------


@pytest.fixture
def settled(session):
    """Before the period: invoiced 100.00, paid 60.00 (the client owes 40.00). In Feb–Mar 2026: invoices 120.00
    and 130.50, a payment 100.00. Outside: a payment after the period, a preliminary invoice, another account."""
    org = make_org(session, name="ЗАО «Сверка»")
    account = make_account(session, org, number="1701006600019")
    make_invoice(session, account, dt.date(2025, 12, 1), amount="100.00", issued_on=dt.date(2026, 1, 3))
    make_payment(session, account, paid_on=dt.date(2026, 1, 10), amount="60.00")
    make_invoice(session, account, dt.date(2026, 1, 1), amount="120.00", issued_on=dt.date(2026, 2, 1))
    make_payment(session, account, paid_on=dt.date(2026, 2, 10), amount="100.00", reference="п/п № 77")
    make_invoice(session, account, dt.date(2026, 2, 1), amount="130.50", issued_on=dt.date(2026, 3, 31))
    make_payment(session, account, paid_on=dt.date(2026, 4, 1), amount="999.00")
    make_invoice(session, account, dt.date(2026, 3, 1), amount="55.00", issued_on=dt.date(2026, 3, 15),
                 is_regular=False)
    other = make_account(session, make_org(session))
    make_invoice(session, other, dt.date(2026, 2, 1), amount="777.00", issued_on=dt.date(2026, 2, 3))
    session.commit()
    return account


def test_reconciliation_closing_balance_is_opening_plus_invoices_minus_payments(session, settled):
    act = load_reconciliation(session, account_id=settled.id, date_from=dt.date(2026, 2, 1),
                              date_to=dt.date(2026, 3, 31))
    # balance = payments − invoices: −40.00 before; the debt grows by the invoices and falls by the payments
    assert act.opening_balance == Decimal("-40.00")
    assert (act.debit_turnover, act.credit_turnover) == (Decimal("250.50"), Decimal("100.00"))
    assert act.closing_balance == Decimal("-190.50")
    assert -act.closing_balance == Decimal("40.00") + Decimal("250.50") - Decimal("100.00")
    assert [(entry.day, entry.debit, entry.credit) for entry in act.entries] == [
        (dt.date(2026, 2, 1), Decimal("120.00"), Decimal("0.00")),
        (dt.date(2026, 2, 10), Decimal("0.00"), Decimal("100.00")),
        (dt.date(2026, 3, 31), Decimal("130.50"), Decimal("0.00")),
    ]


def test_reconciliation_pdf_shows_parties_table_balances_and_signatures(session, settled):
    rendered = render_reconciliation(session, account_id=settled.id, date_from=dt.date(2026, 2, 1),
                                     date_to=dt.date(2026, 3, 31))
    assert rendered.filename == "Акт_сверки_1701006600019_2026-02-01_2026-03-31.pdf"
    text = pdf_text(rendered.content)
    for expected in ("Акт сверки взаимных расчетов", "ЗАО «Сверка»", "РУП «Белтелесвязь-Сервис»",
                     "Сальдо на 01.02.2026", "40,00", "120,00", "130,50", "Обороты за период", "250,50",
                     "Сальдо на 31.03.2026", "190,50", "От Поставщика", "От Покупателя", "п/п № 77"):
        assert expected in text, expected
    assert "999,00" not in text and "777,00" not in text and "55,00" not in text


def test_reconciliation_of_an_overpaid_account_puts_the_balance_in_credit(session, settled):
    act = load_reconciliation(session, account_id=settled.id, date_from=dt.date(2026, 4, 1),
                              date_to=dt.date(2026, 4, 30))
    assert act.opening_balance == Decimal("-190.50")
    assert act.closing_balance == Decimal("808.50")
    text = pdf_text(render_reconciliation(session, account_id=settled.id, date_from=dt.date(2026, 4, 1),
                                          date_to=dt.date(2026, 4, 30)).content)
    assert "808,50" in text and "(переплата)" in text.replace("\n", " ")
