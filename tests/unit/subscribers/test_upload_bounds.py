"""An uploaded xlsx is bounded while its sheets' XML streams, before a reader builds a grid of cells: two cells
at A1 and XFD100000 would make a grid of 1.6 billion, so such a file is refused within a small memory limit."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cabinet.services.subscribers import uploads
from cabinet.services.subscribers.uploads import UploadRejected, parse_numbers_xlsx

A, B = "375291234567", "375331234567"
ROOT = Path(__file__).resolve().parents[3]
MEMORY_LIMIT = 600 * 2**20  # the process's whole address space: the interpreter with its libraries takes ~120 MB


def two_cells(far_row: int, far_column: int) -> bytes:
    """An xlsx of two numbers: at A1 and at (far_row, far_column); its declared dimension spans both."""
    workbook = openpyxl.Workbook()
    workbook.active.cell(row=1, column=1, value=A)
    workbook.active.cell(row=far_row, column=far_column, value=B)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(content: bytes, change) -> bytes:
    """The same xlsx with its first sheet's XML replaced by `change(xml)`."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            archive.writestr(entry.filename, data)
    return target.getvalue()


def without_dimension(xml: str) -> str:
    return re.sub(r"<dimension [^>]*/>", "", xml)


def parsed_in_a_small_process(content: bytes) -> str:
    """What parse_numbers_xlsx says of `content` in a process whose address space is limited to MEMORY_LIMIT: the
    refusal's message, or ACCEPTED."""
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
        from cabinet.services.subscribers.uploads import UploadRejected, parse_numbers_xlsx
        content = sys.stdin.buffer.read()
        try:
            parse_numbers_xlsx(content)
        except UploadRejected as refusal:
            print(refusal.message)
        else:
            print("ACCEPTED")
    """)
    done = subprocess.run([sys.executable, "-c", script], input=content, capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout.decode().strip()


def test_a1_and_xfd100000_are_refused_within_600_mb():
    content = two_cells(100_000, 16_384)
    assert len(content) < 10_000
    assert parsed_in_a_small_process(content) == (
        "Файл должен содержать номера в одном столбце: лист занимает столбцы A–XFD.")


def test_a_far_cell_is_refused_by_its_row_when_the_sheet_declares_no_dimension():
    content = with_sheet(two_cells(100_000, 16_384), without_dimension)
    assert parsed_in_a_small_process(content) == (
        "Файл должен содержать номера в одном столбце: в строке 100000 есть данные в столбце XFD.")


def test_a_row_declaring_cells_beyond_the_bound_is_refused_by_its_row():
    def wide_second_row(xml: str) -> str:
        return without_dimension(xml).replace('<row r="2">', '<row r="2" spans="1:16384">')

    content = with_sheet(two_cells(2, 1), wide_second_row)
    assert rejected(content).message == (
        "Файл должен содержать номера в одном столбце: в строке 2 есть данные в столбце XFD.")


def test_rows_past_the_cap_are_refused_before_any_reader_runs(monkeypatch):
    monkeypatch.setattr(uploads, "_read_sheets", lambda *a: pytest.fail("a reader built the grid"))
    content = with_sheet(two_cells(100_001, 1), without_dimension)
    assert rejected(content).message == "В файле больше 100 000 строк. Разделите список на несколько файлов."
    assert rejected(two_cells(5, 1), max_rows=4).message.startswith("В файле больше 4 строк")


def test_cells_without_references_are_placed_one_after_another():
    def unreferenced(xml: str) -> str:
        cells = "".join(f'<c t="inlineStr"><is><t>{n}</t></is></c>' for n in range(27))
        return without_dimension(re.sub(r' r="[A-Z]+[0-9]+"', "", xml)).replace("</row>", cells + "</row>", 1)

    assert rejected(with_sheet(two_cells(2, 1), unreferenced)).message == (
        "Файл должен содержать номера в одном столбце: в строке 1 есть данные в столбце AA.")


def test_a_number_column_anywhere_up_to_z_is_read():
    workbook = openpyxl.Workbook()
    workbook.active.cell(row=1, column=26, value=A)
    workbook.active.cell(row=2, column=26, value=B)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert parse_numbers_xlsx(buffer.getvalue()) == [A, B]


def test_a_sheet_declaring_entities_is_unreadable():
    def with_entities(xml: str) -> str:
        return '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + xml

    assert rejected(with_sheet(two_cells(2, 1), with_entities)).message == uploads.UNREADABLE


def rejected(content: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as refused:
        parse_numbers_xlsx(content, **kwargs)
    return refused.value


def test_an_encrypted_sheet_is_refused_as_not_an_xlsx_before_it_is_opened():
    content, name = bytearray(two_cells(2, 1)), b"xl/worksheets/sheet1.xml"
    entry = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo(name.decode())
    content[entry.header_offset + 6] |= 0x1  # the local header's flag: encrypted, opening it asks for a password
    central = content.find(b"PK\x01\x02")
    while content[central + 46:central + 46 + len(name)] != name:
        central = content.find(b"PK\x01\x02", central + 4)
    content[central + 8] |= 0x1  # and the central directory's
    assert zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo(name.decode()).flag_bits & 0x1
    with pytest.raises(UploadRejected, match="Файл должен быть в формате xlsx"):
        parse_numbers_xlsx(bytes(content))
