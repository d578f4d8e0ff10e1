"""Subscriber names as companies write them (S5 and B3), refused only for control characters, a leading formula
sign and excess length; the export writes whatever a name holds as text, never as a formula."""

from __future__ import annotations

import io

import openpyxl
import pytest

from cabinet.services.errors import DomainError
from cabinet.services.subscribers import rules
from cabinet.services.subscribers.excel import write_export
from tests.unit.factories import make_account, make_org, make_subscriber

ACCEPTED = [
    "Склад №2 — Брест",
    "ООО \"Ромашка\"",
    "ООО «Ромашка»",
    "ИП Петров П. П.",
    "Sales Dept. 3",
    "Бухгалтерия/Касса: 2-й этаж",
    "O'Brien & Co",
    "Д’Артаньян",
    "Минск–Брест ‒ склад ― 7",
    "Филиал #4, каб. 12 (вход со двора)",
    "Отдел 50% + 1",
    "Касса=2",
    "Я" * rules.NAME_MAX,
]


@pytest.mark.parametrize("name", ACCEPTED)
def test_names_companies_write_are_accepted_as_written(name):
    assert rules.clean_name(name, current="") == name


def test_spaces_are_trimmed_and_collapsed():
    assert rules.clean_name("  Склад   №2  ", current="") == "Склад №2"


@pytest.mark.parametrize("name, reason", [
    ("=СУММ(A1:A9)", "начинаться со знака «=»"),
    ("+375291234567", "начинаться со знака «+»"),
    ("-Склад", "начинаться со знака «-»"),
    ("@Склад", "начинаться со знака «@»"),
    ("  =1+1", "начинаться со знака «=»"),  # after the spaces are trimmed
    ("Склад\n2", "управляющие символы"),
    ("Склад\x072", "управляющие символы"),
    ("Склад\u200b2", "управляющие символы"),
    ("Я" * (rules.NAME_MAX + 1), f"не длиннее {rules.NAME_MAX} символов, сейчас {rules.NAME_MAX + 1}"),
    ("   ", "Введите имя абонента"),
])
def test_names_refused_with_the_reason(name, reason):
    with pytest.raises(DomainError) as refusal:
        rules.clean_name(name, current="")
    assert reason in refusal.value.message


def test_the_export_writes_a_name_as_text_whatever_it_starts_with(session):
    account = make_account(session, make_org(session))
    make_subscriber(session, account, number="375291000001", name="=HYPERLINK(\"http://x\",\"a\")")
    make_subscriber(session, account, number="375291000002", name="Склад №2 — Брест")
    session.commit()
    out = io.BytesIO()
    assert write_export(session, account_id=account.id, out=out) == 2
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["375291000001"].data_type == "s"
    assert cells["375291000001"].value == "=HYPERLINK(\"http://x\",\"a\")"
    assert cells["375291000002"].value == "Склад №2 — Брест"
