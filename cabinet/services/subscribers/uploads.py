"""Uploaded xlsx files of subscriber numbers (C6 and the list operations B1–B5), kept on the server once checked.

The file must hold only 12-digit numbers, one per row from row 1 down, in one column of one sheet. A bad file
is refused whole, with the row numbers and reasons (the first MAX_ERRORS kept, all counted), nothing applied.
Guards run before any parsing: the size, then the zip container (number of entries, inflated size), then the
sheets' extent read as their XML streams (no cell beyond MAX_COLUMNS or the row cap), before a reader builds its
grid of cells.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from xml.parsers import expat

from sqlalchemy import delete, insert
from sqlmodel import Session, select

from cabinet import clock
from cabinet.models import Subscriber, UploadedList, UploadedListItem
from cabinet.services.access import COMPANY, EVERY_CABINET, Actor, account_for, serves
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.validation import clean_digits
from cabinet.text import thousands

MAX_ERRORS = 100
MAX_ZIP_ENTRIES = 50
MAX_INFLATED_BYTES = 50_000_000
MAX_COLUMNS = 26  # A–Z, a spreadsheet's default width: a list is one column, and a cell further right refuses the file
ZIP_MAGIC = b"PK\x03\x04"
NUMBER_LENGTH = 12
_IN_CHUNK = 900

EMPTY = "пустая строка"
NOT_DIGITS = "номер должен состоять из 12 цифр"
LETTERS = "номер содержит буквы"
NOT_A_NUMBER = "в ячейке не номер"
NOT_FOUND = "номер не найден на этом лицевом счете"
LIST_GONE = "Загруженный список больше не действует. Загрузите файл снова."
UNREADABLE = "Файл не удалось прочитать как xlsx. Сохраните его как «Книга Excel» и загрузите снова."


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it, from 1
    value: str
    reason: str


class UploadRejected(DomainError):
    """The whole file is refused. `errors`: the first MAX_ERRORS bad rows; `total`: how many there were."""

    def __init__(self, message: str, errors: Sequence[RowError] = (), total: int | None = None):
        super().__init__(message)
        self.errors: list[RowError] = list(errors)[:MAX_ERRORS]
        self.total: int = len(errors) if total is None else total

    @property
    def count(self) -> int:
        return self.total


def _rejected_rows(errors: list[RowError], total: int) -> UploadRejected:
    first = errors[0]
    return UploadRejected(
        f"Файл не принят, ничего не загружено: ошибок — {total}. "
        f"Первая: строка {first.row} — {first.reason}. Исправьте файл и загрузите его снова.",
        errors,
        total,
    )


def _too_many_rows(max_rows: int) -> str:
    return f"В файле больше {thousands(max_rows)} строк. Разделите список на несколько файлов."


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} МБ"


MAX_FILE_BYTES = 2_000_000  # the largest xlsx taken: the page's dropzone and the upload route refuse larger ones too


def too_large(max_bytes: int = MAX_FILE_BYTES) -> str:
    return f"Файл больше {_megabytes(max_bytes)}. Загрузите файл меньшего размера."


# --- the container ---------------------------------------------------------------------------------------------

def _check_container(content: bytes, max_bytes: int) -> None:
    if len(content) > max_bytes:
        raise UploadRejected(too_large(max_bytes))
    if not content:
        raise UploadRejected("Файл пуст. Загрузите файл xlsx с номерами абонентов.")
    not_xlsx = UploadRejected("Файл должен быть в формате xlsx (Excel). Сохраните его как «Книга Excel» "
                              "и загрузите снова.")
    if not content.startswith(ZIP_MAGIC):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UploadRejected("Файл xlsx устроен слишком сложно: в нем слишком много частей. "
                                     "Сохраните номера в новом файле и загрузите его.")
            if "xl/workbook.xml" not in {entry.filename for entry in entries}:
                raise not_xlsx
            if any(entry.flag_bits & 0x1 for entry in entries):  # encrypted: no reader opens it without a password
                raise not_xlsx
            too_big = UploadRejected(f"Файл в распакованном виде больше {_megabytes(MAX_INFLATED_BYTES)}. "
                                     "Загрузите файл меньшего размера.")
            if sum(entry.file_size for entry in entries) > MAX_INFLATED_BYTES:
                raise too_big
            # The sizes above are what the file declares; measure what its entries really inflate to.
            if _inflated_size(content, entries, MAX_INFLATED_BYTES) > MAX_INFLATED_BYTES:
                raise too_big
    except (zipfile.BadZipFile, zlib.error, struct.error):
        raise not_xlsx from None


def _inflated_size(content: bytes, entries: list[zipfile.ZipInfo], limit: int) -> int:
    """The real size of the entries once inflated, counted in 1 MB steps, stopping as soon as it passes `limit`.

    A file may declare small sizes and hold far more: a reader takes each entry's compressed bytes as the central
    directory bounds them and inflates them whole, so those same bytes are inflated here, with nothing kept."""
    total = 0
    for entry in entries:
        if entry.compress_type == zipfile.ZIP_STORED:
            total += entry.compress_size
        elif entry.compress_type == zipfile.ZIP_DEFLATED:
            header = content[entry.header_offset:entry.header_offset + 30]
            if len(header) < 30 or not header.startswith(ZIP_MAGIC):
                raise zipfile.BadZipFile("bad local header")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            start = entry.header_offset + 30 + name_length + extra_length
            pending = content[start:start + entry.compress_size]
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            while pending and total <= limit:
                total += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
        else:
            raise zipfile.BadZipFile("unsupported compression")
        if total > limit:
            break
    return total


# --- the sheets' extent ----------------------------------------------------------------------------------------
# Both readers build a grid from the first cell to the farthest one: A1 and XFD100000 alone make 1.6 billion cells.
# So the sheets' XML is read as a stream first, keeping nothing, and the file is refused at the first declared
# dimension, row span or cell beyond MAX_COLUMNS or the row cap.

_CELL_PARTS = ("/worksheet", "/macrosheet", "/dialogsheet")  # relationship types of the parts that hold cells
_CELL_FOLDERS = ("xl/worksheets/", "xl/macrosheets/", "xl/dialogsheets/")
_REFERENCE = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")
_USUAL_CELL = re.compile(r"([A-Z])([0-9]{1,9})")
_SPAN_ENDS = re.compile(r"[0-9]{1,9}")
_FAR = 10**9  # a row or column number too long to compute: past any bound
_STREAM_CHUNK = 1 << 16


def _place(reference: str) -> tuple[int, int, str]:
    """(row, column, the column's letters) of a reference such as A1, $B$7, C or 12; 0 for a part it lacks.
    UploadRejected if it is not a reference."""
    found = _REFERENCE.fullmatch(reference.strip())
    if found is None or not any(found.groups()):
        raise UploadRejected(UNREADABLE)
    letters, digits = found.group(1).upper(), found.group(2)
    column = 0
    for letter in letters[:4]:  # four letters are past any bound already
        column = column * 26 + ord(letter) - ord("A") + 1
    row = int(digits) if len(digits) <= 9 else _FAR
    return row, column, letters[:10]


def _not_one_column(row: int, letters: str) -> UploadRejected:
    return UploadRejected(f"Файл должен содержать номера в одном столбце: в строке {row} есть данные в столбце "
                          f"{letters}.")


class _SheetExtent:
    """Follows one sheet's XML as expat streams it, and refuses the file at the first declared dimension, row span
    or cell beyond MAX_COLUMNS columns or `max_rows` rows."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.row = 0  # the row being read, and the column of its last cell: where a cell without "r" is
        self.column = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if ":" in name:  # called for every element of the sheet: the usual ones cost a test or two
            name = name.rpartition(":")[2]
        if name == "c":
            self._cell(attributes.get("r"))
        elif name == "row":
            self._row(attributes.get("r"), attributes.get("spans"))
        elif name == "dimension":
            self._dimension(attributes.get("ref") or "A1")

    def _cell(self, reference: str | None) -> None:
        usual = _USUAL_CELL.fullmatch(reference) if reference is not None else None
        if usual is not None:
            row, column, letters = int(usual[2]), ord(usual[1]) - ord("A") + 1, usual[1]
        elif reference is None:
            row, column, letters = self.row, self.column + 1, ""
        else:
            row, column, letters = _place(reference)
        self.column = column
        if row > self.max_rows:
            raise UploadRejected(_too_many_rows(self.max_rows))
        if column > MAX_COLUMNS:
            raise _not_one_column(row, letters or _column_letter(column))

    def _row(self, number: str | None, spans: str | None) -> None:
        if number is None:
            self.row += 1
        else:
            self.row = int(number) if number.isdigit() and number.isascii() and len(number) <= 9 else _place(number)[0]
        self.column = 0
        if spans:
            last = max(map(int, _SPAN_ENDS.findall(spans)), default=0)
            if last > MAX_COLUMNS:
                raise _not_one_column(self.row, _column_letter(last))

    def _dimension(self, reference: str) -> None:
        corners = [_place(corner) for corner in reference.split(":", 1)]
        if max(row for row, _, _ in corners) > self.max_rows:
            raise UploadRejected(_too_many_rows(self.max_rows))
        if max(column for _, column, _ in corners) > MAX_COLUMNS:
            shown = "–".join(letters for _, _, letters in corners if letters)
            raise UploadRejected(f"Файл должен содержать номера в одном столбце: лист занимает столбцы {shown}.")


def _refuse_document_type(*_: object) -> None:
    raise UploadRejected(UNREADABLE)  # a sheet never declares one; entities are how XML grows without bound


def _stream(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, start: Callable[[str, dict[str, str]], None]) -> None:
    """Feed one entry of the archive to expat a chunk at a time, `start` called for every element."""
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_document_type
    parser.EntityDeclHandler = _refuse_document_type
    with archive.open(entry) as part:
        while chunk := part.read(_STREAM_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _sheet_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries that may hold cells: those the workbook's relationships name, and every XML entry in their
    folders (all entries of a name, as a reader may take any of them)."""
    entries = archive.infolist()
    targets: list[str] = []

    def relationship(name: str, attributes: dict[str, str]) -> None:
        kind, target = attributes.get("Type", ""), attributes.get("Target", "").replace("\\", "/")
        if name.rpartition(":")[2] == "Relationship" and kind.endswith(_CELL_PARTS) and target:
            targets.append(target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target)))

    for entry in entries:
        if entry.filename == "xl/_rels/workbook.xml.rels":
            _stream(archive, entry, relationship)
    return [entry for entry in entries if entry.filename in targets
            or (entry.filename.startswith(_CELL_FOLDERS) and entry.filename.endswith(".xml"))]


def _check_extent(content: bytes, max_rows: int) -> None:
    """UploadRejected at the first declared dimension, row span or cell of any sheet beyond MAX_COLUMNS or
    `max_rows`, read as a stream before any grid of cells is built."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for entry in _sheet_entries(archive):
                _stream(archive, entry, _SheetExtent(max_rows).start)
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, EOFError):
        raise UploadRejected(UNREADABLE) from None


# --- reading the cells -------------------------------------------------------------------------------------------

Columns = dict[int, dict[int, object]]  # a sheet's non-empty cells: {column: {row: value}}, both from 1


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a sheet is read (reference counting frees everything as usual), and
    back on after it only if it was on before.

    calamine builds a list for every row: with the collector on, every 700 of them set off a collection, and every
    so often a full one that walks every object in the process. In the web app's process that costs as much as the
    read itself: calamine's read of 100,000 rows takes 0.35 s of CPU with it, 0.17 s without."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _columns(rows: list[list[object]], first_row: int, first_column: int, width: int) -> Columns:
    """The non-empty cells of calamine's rows, the first of them at (first_row, first_column), counted from 0."""
    columns: Columns = {}
    if width == 1:  # the usual upload: one column, read without a loop over each row's cells
        column = {r: row[0] for r, row in enumerate(rows, first_row + 1) if not _is_empty(row[0])}
        if column:
            columns[first_column + 1] = column
        return columns
    for r, row in enumerate(rows, first_row + 1):
        for c, value in enumerate(row, first_column + 1):
            if not _is_empty(value):
                columns.setdefault(c, {})[r] = value
    return columns


def _calamine_sheets(content: bytes, max_rows: int) -> Iterator[Columns]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    for index in range(len(workbook.sheet_names)):
        sheet = workbook.get_sheet_by_index(index)
        if sheet.height > max_rows:
            raise UploadRejected(_too_many_rows(max_rows))
        start = sheet.start
        if start is None:
            yield {}
            continue
        first_row, first_column = start
        with _collector_paused():  # the rows are dropped before it is back on, so it never walks them
            columns = _columns(sheet.to_python(skip_empty_area=True), first_row, first_column, sheet.width)
        yield columns


def _openpyxl_sheets(content: bytes, max_rows: int) -> Iterator[Columns]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            columns: Columns = {}
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "row", None) is None or _is_empty(cell.value):
                        continue
                    if cell.row > max_rows:
                        raise UploadRejected(_too_many_rows(max_rows))
                    columns.setdefault(cell.column, {})[cell.row] = cell.value
            yield columns
    finally:
        workbook.close()


def _read_sheets(content: bytes, max_rows: int) -> list[Columns]:
    """The non-empty cells of every sheet: with python-calamine, or openpyxl if calamine cannot open the file."""
    try:
        return list(_calamine_sheets(content, max_rows))
    except UploadRejected:
        raise
    except Exception:
        pass
    try:
        return list(_openpyxl_sheets(content, max_rows))
    except UploadRejected:
        raise
    except Exception:
        raise UploadRejected(UNREADABLE) from None


def _column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- the numbers -----------------------------------------------------------------------------------------------

def _shown(value: object) -> str:
    """The cell as Excel (in Russian) shows it, at most 40 characters."""
    if isinstance(value, bool):
        return "ИСТИНА" if value else "ЛОЖЬ"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}" if value.time() == dt.time() else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value).strip()[:40]


def _number(value: object) -> tuple[str | None, str]:
    """(the 12-digit number, "") or (None, the reason it is not one)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == NUMBER_LENGTH and text.isdigit() and text.isascii():  # as most rows are: nothing to clean
            return text, ""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return None, NOT_A_NUMBER
    if isinstance(value, float):  # a number stored as a number: 375291234567.0
        if not value.is_integer() or value < 0:
            return None, NOT_DIGITS
        value = int(value)
    if isinstance(value, int):
        text = str(value)
    else:
        text = str(value).strip()
        if any(char.isalpha() for char in text):
            return None, LETTERS
        text = clean_digits(text)
    if len(text) != NUMBER_LENGTH or not text.isdigit() or not text.isascii():
        return None, NOT_DIGITS
    return text, ""


def _plain_numbers(values: list) -> list[str] | None:
    """The numbers when every row already holds a distinct 12-digit number, all as text or all as whole numbers
    (the usual upload), checked a column at a time; None if any row may be bad, for `_numbers` to go row by row.

    Whatever it returns, `_numbers` would return too: the same strip and the same 12 ASCII digits per row, and a
    column with an empty row, a duplicate or a value of any other type is left to `_numbers`."""
    kinds = set(map(type, values))
    if kinds == {str}:
        texts = list(map(str.strip, values))
    elif kinds == {float}:
        if not all(map(float.is_integer, values)) or min(values) < 0:
            return None
        texts = list(map(str, map(int, values)))
    elif kinds == {int}:
        texts = list(map(str, values))
    else:
        return None
    if set(map(len, texts)) != {NUMBER_LENGTH}:
        return None
    digits = "".join(texts)
    if not (digits.isdigit() and digits.isascii()) or len(set(texts)) != len(texts):
        return None
    return texts


def _numbers(values: list[object]) -> list[str]:
    """The numbers of the rows (`values[n - 1]` is row n's cell, None if it is empty), checked row by row;
    UploadRejected with every bad row."""
    numbers: list[str] = []
    first_seen: dict[str, int] = {}
    errors: list[RowError] = []
    total = 0
    for row, value in enumerate(values, start=1):
        error: RowError | None
        if value is None:
            error = RowError(row, "", EMPTY)
        else:
            number, reason = _number(value)
            if number is not None and number in first_seen:
                reason = f"номер повторяется: уже есть в строке {first_seen[number]}"
                number = None
            error = RowError(row, _shown(value), reason) if number is None else None
            if number is not None:
                first_seen[number] = row
                numbers.append(number)
        if error is not None:
            total += 1
            if len(errors) < MAX_ERRORS:
                errors.append(error)
    if total:
        raise _rejected_rows(errors, total)
    return numbers


def parse_numbers_xlsx(content: bytes, *, max_bytes: int = MAX_FILE_BYTES, max_rows: int = 100_000) -> list[str]:
    """The 12-digit numbers of an uploaded xlsx, in row order (the n-th number is in row n).

    Raises UploadRejected for the whole file on any problem: not an xlsx, too big, a zip bomb, data on more than
    one sheet or in more than one column, an empty row between numbers, a value that is not 12 digits, letters,
    a duplicate, no numbers at all.
    """
    content = bytes(content or b"")
    _check_container(content, max_bytes)
    _check_extent(content, max_rows)
    sheets = [columns for columns in _read_sheets(content, max_rows) if columns]
    if not sheets:
        raise UploadRejected("В файле нет номеров. Загрузите файл с 12-значными номерами абонентов в столбик.")
    if len(sheets) > 1:
        raise UploadRejected("Файл должен содержать номера на одном листе: данные найдены на нескольких листах.")
    columns = sheets[0]
    if len(columns) > 1:
        found = ", ".join(_column_letter(c) for c in sorted(columns)[:10])
        raise UploadRejected(f"Файл должен содержать номера в одном столбце: данные найдены в столбцах {found}.")
    (by_row,) = columns.values()
    last_row = max(by_row)
    if last_row > max_rows:
        raise UploadRejected(_too_many_rows(max_rows))
    values = list(map(by_row.get, range(1, last_row + 1)))
    plain = _plain_numbers(values)
    return plain if plain is not None else _numbers(values)


@serves(EVERY_CABINET)
def match_numbers(session: Session, *, actor: Actor, account_id: int, numbers: Sequence[str]) -> list[int]:
    """The ids of the account's subscribers with these numbers, in the same order (duplicates dropped).

    Raises UploadRejected naming each number (row = its position, from 1, as in the uploaded file) that is not
    on this account: it may not exist, or belong to someone else; the message does not say which.
    """
    account = account_for(session, actor, account_id)
    numbers = [str(n).strip() for n in numbers]
    if not numbers:
        raise UploadRejected("Выберите хотя бы одного абонента.")
    wanted = sorted({n for n in numbers if n.isdigit() and len(n) == NUMBER_LENGTH})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start:start + _IN_CHUNK]
        found.update(session.exec(
            select(Subscriber.number, Subscriber.id).where(
                Subscriber.account_id == account.id, Subscriber.number.in_(chunk)
            )
        ).all())
    missing = [RowError(row, number[:40], NOT_FOUND) for row, number in enumerate(numbers, start=1)
               if number not in found]
    if missing:
        shown = ", ".join(error.value for error in missing[:10])
        more = f" и еще {len(missing) - 10}" if len(missing) > 10 else ""
        raise UploadRejected(f"Номера не найдены на этом лицевом счете: {shown}{more}. Ничего не выбрано.",
                             missing, len(missing))
    ids: list[int] = []
    seen: set[int] = set()
    for number in numbers:
        subscriber_id = found[number]
        if subscriber_id not in seen:
            seen.add(subscriber_id)
            ids.append(subscriber_id)
    return ids


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded list kept on the server: what a page holds of it."""

    id: int
    count: int


UPLOAD_LIFETIME = dt.timedelta(days=1)
_INSERT_CHUNK = 5_000


@serves(COMPANY)
def store_upload(session: Session, *, actor: Actor, account_id: int, content: bytes,
                 max_bytes: int = MAX_FILE_BYTES) -> StoredUpload:
    """An uploaded xlsx checked whole (every row a valid number, every number on this account), then kept on the
    server as the account's subscribers in file order, for an order to name by its id (`Choice.upload_id`). The
    user's earlier lists and everybody's lists older than UPLOAD_LIFETIME are removed."""
    account = account_for(session, actor, account_id)
    numbers = parse_numbers_xlsx(content, max_bytes=max_bytes)
    ids = match_numbers(session, actor=actor, account_id=account.id, numbers=numbers)
    _remove_lists(session, (UploadedList.user_id == actor.user_id)
                  | (UploadedList.created_at < clock.now() - UPLOAD_LIFETIME))
    uploaded = UploadedList(user_id=actor.user_id, account_id=account.id, count=len(ids))
    session.add(uploaded)
    session.flush()
    rows = [{"list_id": uploaded.id, "position": n, "subscriber_id": i} for n, i in enumerate(ids, start=1)]
    for start in range(0, len(rows), _INSERT_CHUNK):
        session.execute(insert(UploadedListItem.__table__), rows[start:start + _INSERT_CHUNK])
    return StoredUpload(id=uploaded.id, count=len(ids))


@serves(COMPANY)
def uploaded_list(session: Session, *, actor: Actor, account_id: int, upload_id: int) -> UploadedList:
    """The actor's own list uploaded for this account; the same refusal for any other id."""
    account = account_for(session, actor, account_id)
    try:
        found = session.exec(select(UploadedList).where(UploadedList.id == int(upload_id))).first()
    except (TypeError, ValueError):
        found = None
    if found is None or found.user_id != actor.user_id or found.account_id != account.id:
        raise AccessDenied(LIST_GONE)
    return found


def _remove_lists(session: Session, condition) -> None:
    old = select(UploadedList.id).where(condition)
    session.execute(delete(UploadedListItem).where(UploadedListItem.list_id.in_(old)))
    session.execute(delete(UploadedList).where(UploadedList.id.in_(old)))
