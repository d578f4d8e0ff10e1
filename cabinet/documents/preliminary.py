"""The preliminary invoice of the current period (P9): what each subscriber has been charged so far this month,
as an xlsx sheet with a total per subscriber and for the whole."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from cabinet.documents.common import (
    XLSX,
    RenderedDocument,
    cell,
    money_cell,
    new_workbook,
    table_sheet,
    workbook_bytes,
)

Charges = tuple[str, str, list[tuple[str, Decimal]]]  # number, name, [(description, amount)]


def render_preliminary_invoice(account_number: str, period_title: str, charges: Iterable[Charges]) -> RenderedDocument:
    workbook = new_workbook()
    sheet = table_sheet(workbook, "Начисления", ["Номер", "Абонент", "Начисление", "Сумма, BYN"], [16, 30, 60, 14])
    total = Decimal("0.00")
    for number, name, rows in charges:
        subtotal = sum((amount for _, amount in rows), Decimal("0.00"))
        for description, amount in rows:
            sheet.append([number, name, description, money_cell(sheet, amount)])
        sheet.append([number, name, cell(sheet, "Итого по абоненту", bold=True), money_cell(sheet, subtotal, bold=True)])
        total += subtotal
    sheet.append([])
    sheet.append([cell(sheet, f"Предварительный счет за {period_title} (на текущую дату), лицевой счет {account_number}",
                       bold=True), "", cell(sheet, "Итого", bold=True), money_cell(sheet, total, bold=True)])
    return RenderedDocument(f"Предварительный_счет_{account_number}.xlsx", XLSX, workbook_bytes(workbook))
