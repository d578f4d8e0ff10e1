"""The money of an invoice adds up: every format's VAT column sums to its VAT total and its lines to its total, on
the invoice of a 100,000-subscriber account too; the amount to pay is written out in words on the PDF."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from cabinet.documents.common import vat_in
from cabinet.documents.invoice import TXT_COLUMNS, TXT_GAP, load_invoice, render_invoice
from cabinet.models import ChargeLine
from cabinet.text import money_in_words, number_in_words
from tests.unit.documents.test_documents import pdf_text
from tests.unit.factories import make_account, make_invoice, make_org

SUBSCRIBERS = 100_000  # the largest account the cabinet serves


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace(",", "."))


@pytest.fixture
def large_invoice(session):
    """An invoice of 100,000 subscribers, each with an amount whose VAT does not come out even in kopecks."""
    account = make_account(session, make_org(session))
    rng = random.Random(7)
    amounts = [Decimal(rng.randint(1, 9_999)) / 100 for _ in range(SUBSCRIBERS)]
    invoice = make_invoice(session, account, dt.date(2026, 10, 1), amount=sum(amounts))
    session.execute(insert(ChargeLine.__table__), [
        {"invoice_id": invoice.id, "number": f"37529{n:07d}", "description": "Абонентская плата", "amount": amount,
         "vat": vat_in(amount)} for n, amount in enumerate(amounts)])
    session.commit()
    return invoice, amounts


def _txt_table(content: bytes) -> tuple[list[tuple[Decimal, Decimal]], dict[str, Decimal]]:
    """The (amount, VAT) of every line of a txt invoice and its totals by label."""
    lines = content.decode("utf-8").splitlines()
    rules = [i for i, line in enumerate(lines) if line and set(line) == {"-"}]
    amount_at = sum(width for width, _ in TXT_COLUMNS[:3]) + 3 * len(TXT_GAP)
    width = TXT_COLUMNS[3][0]
    rows = [(_decimal(line[amount_at:amount_at + width]), _decimal(line[amount_at + width + len(TXT_GAP):]))
            for line in lines[rules[1] + 1:rules[2]] if line[:7].strip()]
    totals = {label.strip(): _decimal(value) for label, value in
              (line.rsplit(":", 1) for line in lines[rules[2] + 1:rules[3]])}
    return rows, totals


def test_the_vat_and_the_total_of_a_100000_line_invoice_are_the_sums_of_its_columns(session, large_invoice):
    invoice, amounts = large_invoice
    doc = load_invoice(session, invoice.id)
    rows, totals = _txt_table(render_invoice(doc, "txt").content)
    assert len(rows) == SUBSCRIBERS
    assert totals["Всего с НДС"] == sum(amount for amount, _ in rows) == sum(amounts) == totals["Итого к оплате, BYN"]
    assert totals["НДС 20 %"] == sum(vat for _, vat in rows)
    assert totals["Итого без НДС"] == totals["Всего с НДС"] - totals["НДС 20 %"]
    # rounded once on the total, the VAT would not match the column: the per-line rule is what makes it add up
    assert vat_in(sum(amounts)) != totals["НДС 20 %"]

    sheet = load_workbook(BytesIO(render_invoice(doc, "xlsx").content), read_only=True)["Счет"]
    cells = list(sheet.iter_rows(values_only=True))
    lines = [row for row in cells if row and isinstance(row[0], int)]
    xlsx_totals = {row[2]: Decimal(str(row[3])) for row in cells if row and len(row) > 3 and isinstance(row[2], str)
                   and row[2].endswith(":")}
    assert len(lines) == SUBSCRIBERS
    assert xlsx_totals["НДС 20 %:"] == sum(Decimal(str(row[4])) for row in lines) == totals["НДС 20 %"]
    assert xlsx_totals["Всего с НДС:"] == sum(Decimal(str(row[3])) for row in lines) == sum(amounts)


def test_the_pdf_columns_add_up_to_its_totals_and_it_writes_the_amount_out_in_words(session):
    account = make_account(session, make_org(session))
    amounts = [Decimal("0.99"), Decimal("15.90"), Decimal("1200.01"), Decimal("17.60")]  # VAT: 0.17 2.65 200.00 2.93
    invoice = make_invoice(session, account, dt.date(2026, 10, 1), amount=sum(amounts))
    session.execute(insert(ChargeLine.__table__), [
        {"invoice_id": invoice.id, "number": f"37529100000{n}", "description": "Абонентская плата", "amount": a,
         "vat": Decimal("0")} for n, a in enumerate(amounts)])
    session.commit()
    text = pdf_text(render_invoice(load_invoice(session, invoice.id), "pdf").content)
    for vat in ("0,17", "2,65", "200,00", "2,93"):  # each line's VAT by the one rule, not what was stored
        assert vat in text
    assert "205,75" in text  # their sum, the VAT total
    assert "1 028,75" in text and "1 234,50" in text
    assert "Сумма к оплате: одна тысяча двести тридцать четыре рубля 50 копеек" in " ".join(text.split())


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "ноль рублей 00 копеек"),
    ("0.01", "ноль рублей 01 копейка"),
    ("1", "один рубль 00 копеек"),
    ("2.02", "два рубля 02 копейки"),
    ("5.05", "пять рублей 05 копеек"),
    ("11.11", "одиннадцать рублей 11 копеек"),
    ("21.21", "двадцать один рубль 21 копейка"),
    ("112.14", "сто двенадцать рублей 14 копеек"),
    ("1000", "одна тысяча рублей 00 копеек"),
    ("2001.50", "две тысячи один рубль 50 копеек"),
    ("5000", "пять тысяч рублей 00 копеек"),
    ("11000", "одиннадцать тысяч рублей 00 копеек"),
    ("21000", "двадцать одна тысяча рублей 00 копеек"),
    ("1234.50", "одна тысяча двести тридцать четыре рубля 50 копеек"),
    ("1000000", "один миллион рублей 00 копеек"),
    ("2000000", "два миллиона рублей 00 копеек"),
    ("1001001.99", "один миллион одна тысяча один рубль 99 копеек"),
])
def test_an_amount_in_words_has_the_right_plural_and_gender(amount, words):
    assert money_in_words(Decimal(amount)) == words


def test_numbers_in_words_take_the_gender_of_their_noun():
    assert number_in_words(2, "f") == "две" and number_in_words(2) == "два"
    assert number_in_words(999_999_999) == ("девятьсот девяносто девять миллионов девятьсот девяносто девять "
                                            "тысяч девятьсот девяносто девять")
