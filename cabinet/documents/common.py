"""What the invoice, the call detail and the reconciliation act share: the rendered file, the operator's
requisites, money and dates in Russian, the PDF with the shipped DejaVu fonts, write-only xlsx cells."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from cabinet.models import Organization
from cabinet.text import to_money

# --- the rendered file ------------------------------------------------------------------------------------------

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class RenderedDocument:
    """A finished file, ready to attach to an e-mail or to hand out by a link."""

    filename: str
    content_type: str
    content: bytes


# --- the parties ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """One side of a document: its name, УНП, address and bank details."""

    name: str
    unp: str
    address: str
    bank_details: str = ""

    def requisites(self) -> list[str]:
        """The lines under the name, as a reader expects them."""
        lines = [f"УНП {self.unp}", f"Адрес: {self.address}"]
        if self.bank_details:
            lines.append(self.bank_details)
        return lines


OPERATOR_IBAN = "BY77BLBB30120100289066001001"  # check digits valid (ISO 13616 mod 97)
OPERATOR_BANK = "ОАО «Белинвестбанк», г. Минск"
OPERATOR_BIC = "BLBBBY2X"
OPERATOR = Party(
    name="РУП «Белтелесвязь-Сервис»",
    unp="100289066",
    address="220114, г. Минск, ул. Телефонная, д. 15",
    bank_details=f"р/с {OPERATOR_IBAN} в {OPERATOR_BANK}, БИК {OPERATOR_BIC}",
)
OPERATOR_CONTACTS = "Контакт-центр для корпоративных клиентов: 8 801 100 25 25, corp@beltelsvyaz-service.by"


def party_of(organization: Organization) -> Party:
    return Party(name=organization.name, unp=organization.unp, address=organization.legal_address,
                 bank_details=organization.bank_details)


# --- money ------------------------------------------------------------------------------------------------------

ZERO = Decimal("0.00")
VAT_RATE = 20
VAT_TITLE = f"НДС {VAT_RATE} %"


def vat_in(amount) -> Decimal:
    """The VAT inside an amount that includes it: amount × 20 / 120, rounded half up to the kopeck.

    The one rounding rule of VAT: it is rounded per line of an invoice, and an invoice's VAT is the sum of its
    lines' VAT (its total the sum of their amounts), never the total's VAT rounded once, so the columns of every
    invoice add up to its totals to the kopeck (`documents.invoice.Tally`)."""
    return to_money(Decimal(amount) * VAT_RATE / (100 + VAT_RATE))


# --- dates ------------------------------------------------------------------------------------------------------

def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[first moment of the month, first moment of the next month)."""
    start = dt.datetime(year, month, 1)
    following = dt.datetime(year + month // 12, month % 12 + 1, 1)
    return start, following


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters (long words cut), at least one line."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


# --- PDF --------------------------------------------------------------------------------------------------------

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
PAGES_ALIAS = "{pages}"


class DocumentPDF(FPDF):
    """A4 portrait with the shipped DejaVu Sans (regular and bold: Cyrillic in every PDF reader, embedded as a
    subset), millimetres, and a footer «<footer_text> · Страница N из M» on every page."""

    def __init__(self, *, title: str, footer_text: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=14)
        self.set_title(title)
        self.set_author(OPERATOR.name)
        self.set_creator("Личный кабинет корпоративного клиента")
        self.set_font(FONT, size=9)
        self.alias_nb_pages(PAGES_ALIAS)  # longer than «{nb}»: room for a page count of 5 digits when centred
        self._widths: dict[tuple[str, float, str], float] = {}
        self._fits: dict[tuple[str, float, float, str], list[str]] = {}

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7)
        label = f"{self.footer_text} · " if self.footer_text else ""
        self.cell(0, 4, f"{label}Страница {self.page_no()} из {PAGES_ALIAS}", align="C")

    def width_of(self, text: str) -> float:
        """String width in the current font, remembered (table cells repeat the same strings)."""
        key = (self.font_style, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) > 50_000:
                self._widths.clear()
            width = self._widths[key] = self.get_string_width(text)
        return width

    def fit(self, text: str, width: float) -> list[str]:
        """`text` broken at spaces into lines that fit `width` in the current font (cached per string)."""
        key = (self.font_style, self.font_size_pt, width, text)
        lines = self._fits.get(key)
        if lines is None:
            lines, current = [], ""
            for word in text.split(" "):
                candidate = f"{current} {word}" if current else word
                if current and self.get_string_width(candidate) > width:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
            if len(self._fits) > 10_000:
                self._fits.clear()
            self._fits[key] = lines
        return lines

    def party_block(self, x: float, y: float, width: float, caption: str, party: Party) -> float:
        """«Поставщик: name» and its requisites in a column at (x, y); returns the y under it."""
        self.set_xy(x, y)
        self.set_font(FONT, "B", 8.5)
        self.multi_cell(width, 4.2, f"{caption}: {party.name}", align="L", new_x="LEFT", new_y="NEXT")
        self.set_font(FONT, "", 8.5)
        for line in party.requisites():
            self.set_x(x)
            self.multi_cell(width, 4.2, line, align="L", new_x="LEFT", new_y="NEXT")
        return self.get_y()

    def bytes(self) -> bytes:
        return bytes(self.output())


# --- xlsx (openpyxl write-only: rows go straight to a temporary file, never all in memory) ------------------------

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM:SS"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def cell(sheet, value, *, number_format: str | None = None, bold: bool = False, wrap_text: bool = False):
    """A write-only cell with a number format and/or bold font."""
    result = WriteOnlyCell(sheet, value)
    if number_format:
        result.number_format = number_format
    if bold:
        result.font = BOLD
    if wrap_text:
        result.alignment = WRAP
    return result


def money_cell(sheet, value, *, bold: bool = False):
    return cell(sheet, value, number_format=MONEY_FORMAT, bold=bold)


def set_widths(sheet, widths: Iterable[float]) -> None:
    """Column widths (characters), set before the first row is written."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def table_sheet(workbook: Workbook, title: str, columns: Iterable[str], widths: Iterable[float]):
    """A write-only sheet with its column widths set and a bold header row written."""
    sheet = workbook.create_sheet(title)
    set_widths(sheet, widths)
    sheet.append([cell(sheet, name, bold=True) for name in columns])
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
