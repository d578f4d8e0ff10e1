"""Uploaded xlsx files of numbers: refused whole on any problem, with the row numbers and reasons; guards run
before parsing; numbers matched to the account's subscribers."""

from __future__ import annotations

import datetime as dt
import gc
import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import select

from cabinet import clock
from cabinet.models import UploadedList, UploadedListItem
from cabinet.services.errors import AccessDenied
from cabinet.services.subscribers import uploads
from cabinet.services.subscribers.choice import Choice, chosen_subscribers
from cabinet.services.subscribers.uploads import UploadRejected, match_numbers, parse_numbers_xlsx
from tests.unit.factories import make_actor, make_subscriber, make_user

A, B, C = "375291234567", "375331234567", "375441234567"


def xlsx(*columns_by_sheet, sheets: int = 1) -> bytes:
    """An xlsx whose first sheet holds `rows` (a list of rows, each a list of cells) and `sheets - 1` empty ones."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for rows in columns_by_sheet[:1]:
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row if isinstance(row, list) else [row], start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    for extra in columns_by_sheet[1:]:
        other = workbook.create_sheet()
        for r, value in enumerate(extra, start=1):
            other.cell(row=r, column=1, value=value)
    for _ in range(sheets - 1):
        workbook.create_sheet()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejected(content: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as refused:
        parse_numbers_xlsx(content, **kwargs)
    return refused.value


def rows(refusal: UploadRejected) -> list[tuple[int, str, str]]:
    return [(e.row, e.value, e.reason) for e in refusal.errors]


# --- accepted -------------------------------------------------------------------------------------------------------

def test_numbers_as_text_and_as_numbers_are_read_in_order():
    content = xlsx([A, int(B), float(C), " 375 29 765-43-21 "], sheets=2)  # an empty second sheet is fine
    assert parse_numbers_xlsx(content) == [A, B, C, "375297654321"]


def test_numbers_in_another_column_are_fine():
    assert parse_numbers_xlsx(xlsx([[None, A], [None, B]])) == [A, B]


def test_openpyxl_reads_when_calamine_cannot(monkeypatch):
    def broken(content, max_rows):
        raise RuntimeError("calamine failed")
        yield  # pragma: no cover

    monkeypatch.setattr(uploads, "_calamine_sheets", broken)
    assert parse_numbers_xlsx(xlsx([A, int(B), float(C)])) == [A, B, C]
    assert rows(rejected(xlsx([A, None, "abc"])))[0] == (2, "", "пустая строка")


def test_a_column_of_good_numbers_is_checked_whole(monkeypatch):
    monkeypatch.setattr(uploads, "_numbers", lambda values: pytest.fail("checked row by row"))
    assert parse_numbers_xlsx(xlsx([A, f" {B} ", C])) == [A, B, C]
    assert parse_numbers_xlsx(xlsx([int(A), int(B), int(C)])) == [A, B, C]  # calamine reads them as floats
    assert parse_numbers_xlsx(xlsx([[None, A], [None, B]])) == [A, B]

    def broken(content, max_rows):
        raise RuntimeError("calamine failed")
        yield  # pragma: no cover

    monkeypatch.setattr(uploads, "_calamine_sheets", broken)
    assert parse_numbers_xlsx(xlsx([int(A), int(B), int(C)])) == [A, B, C]  # openpyxl reads them as ints


def test_the_garbage_collector_is_as_it_was_after_a_read(monkeypatch):
    assert gc.isenabled()
    assert parse_numbers_xlsx(xlsx([A, B])) == [A, B]
    assert gc.isenabled()
    gc.disable()
    try:
        assert parse_numbers_xlsx(xlsx([A, B])) == [A, B]
        assert not gc.isenabled()
    finally:
        gc.enable()

    def failing(*args):
        raise RuntimeError("calamine failed")

    monkeypatch.setattr(uploads, "_columns", failing)
    assert parse_numbers_xlsx(xlsx([A, B])) == [A, B]  # read by openpyxl instead
    assert gc.isenabled()


@pytest.mark.parametrize("values, whole", [
    ([A, B, C], True),
    ([A, f" {B}\t"], True),
    ([float(A), float(B)], True),
    ([int(A), int(B)], True),
    ([A, A], False),                                  # a duplicate
    ([float(A), float(A)], False),
    ([A, None, B], False),                            # an empty row
    (["37529123456", "3752912345678"], False),        # 11 + 13 digits: 24 in all
    ([A, "٣٧٥٢٩١٢٣٤٥٦٧"], False),                     # digits, but not ASCII ones
    (["３７５２９１２３４５６７"], False),
    (["375 29 123-45-67", "+375331234567"], False),   # good once cleaned: row by row
    ([A, float(B)], False),                           # text and numbers mixed: row by row
    ([float(A), 375291234567.5], False),
    ([-37529123456.0], False),                        # 12 characters with the minus
    ([-37529123456], False),
    ([float("inf")], False),
    ([float("nan")], False),
    ([True, False], False),
    ([dt.date(2026, 1, 1)], False),
])
def test_a_column_checked_whole_gives_what_row_by_row_gives(values, whole):
    plain = uploads._plain_numbers(values)
    assert (plain is not None) is whole
    try:
        expected = uploads._numbers(values)
    except UploadRejected:
        assert plain is None
    else:
        assert plain is None or plain == expected


# --- refused: the file as a whole -----------------------------------------------------------------------------------

def test_not_an_xlsx():
    for content in (b"375291234567\n375331234567\n", b"\xd0\xcf\x11\xe0 old xls", b""):
        assert "xlsx" in rejected(content).message or "пуст" in rejected(content).message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a zip, but not a workbook
        archive.writestr("numbers.txt", A)
    assert "формате xlsx" in rejected(buffer.getvalue()).message


def test_too_big_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(uploads, "_read_sheets", lambda *a: pytest.fail("must not parse"))
    refusal = rejected(b"PK\x03\x04" + b"\0" * 2_000_000)
    assert refusal.message.startswith("Файл больше 2 МБ") and refusal.errors == []
    assert rejected(xlsx([A]), max_bytes=1000).message.startswith("Файл больше 0.001 МБ")


def zip_bomb(entries: int = 1, size: int = 60_000_000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(entries):
            with archive.open(f"xl/worksheets/sheet{index + 1}.xml", "w", force_zip64=True) as member:
                chunk = b"\0" * 1_000_000
                for _ in range(size // 1_000_000):
                    member.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_without_parsing(monkeypatch):
    monkeypatch.setattr(uploads, "_read_sheets", lambda *a: pytest.fail("must not parse"))
    bomb = zip_bomb(size=60_000_000)
    assert len(bomb) < 2_000_000  # small enough to pass the size cap
    assert "в распакованном виде больше 50 МБ" in rejected(bomb).message


def test_a_zip_bomb_lying_about_its_sizes_is_refused_without_parsing(monkeypatch):
    monkeypatch.setattr(uploads, "_read_sheets", lambda *a: pytest.fail("must not parse"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 10_000_000)  # 60 MB
    content = bytearray(buffer.getvalue())
    # declare the sheet as 1,000 bytes, in the local header and in the central directory
    name = b"xl/worksheets/sheet1.xml"
    local, central = content.index(name) - 30, content.rindex(name) - 46  # name after the fixed-size part
    assert content[local:local + 4] == b"PK\x03\x04" and content[central:central + 4] == b"PK\x01\x02"
    content[local + 22:local + 26] = (1000).to_bytes(4, "little")  # uncompressed size
    content[central + 24:central + 28] = (1000).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        assert sum(entry.file_size for entry in archive.infolist()) < 2000  # it lies
    assert "в распакованном виде больше 50 МБ" in rejected(bytes(content)).message


def test_too_many_zip_entries_are_refused_without_parsing(monkeypatch):
    monkeypatch.setattr(uploads, "_read_sheets", lambda *a: pytest.fail("must not parse"))
    assert "слишком много частей" in rejected(zip_bomb(entries=60, size=0)).message


def test_numbers_on_two_sheets():
    assert rejected(xlsx([A], [B])).message.startswith("Файл должен содержать номера на одном листе")


def test_numbers_in_two_columns():
    refusal = rejected(xlsx([[A, None], [B, "Иванов"]]))
    assert refusal.message == "Файл должен содержать номера в одном столбце: данные найдены в столбцах A, B."


def test_no_numbers_at_all():
    assert rejected(xlsx([], sheets=2)).message.startswith("В файле нет номеров")


def test_too_many_rows():
    assert "больше 3 строк" in rejected(xlsx([A, B, C, "375251234567"]), max_rows=3).message


# --- refused: row by row ------------------------------------------------------------------------------------------

def test_every_bad_row_is_reported_with_its_number_and_reason():
    content = xlsx([
        A,                    # 1 fine
        None,                 # 2 empty between numbers
        "37529123456",        # 3 eleven digits
        "3752912345678",      # 4 thirteen digits
        "375 29 abc 45 67",   # 5 letters
        "Номер",              # 6 letters (a heading)
        int(B),               # 7 fine
        A,                    # 8 duplicate of row 1
        float(B),             # 9 duplicate of row 7, stored as a number
        375291234567.5,       # 10 not a whole number
        True,                 # 11 not a number
        dt.date(2026, 1, 1),  # 12 not a number
        C,                    # 13 fine
    ])
    refusal = rejected(content)
    assert rows(refusal) == [
        (2, "", "пустая строка"),
        (3, "37529123456", "номер должен состоять из 12 цифр"),
        (4, "3752912345678", "номер должен состоять из 12 цифр"),
        (5, "375 29 abc 45 67", "номер содержит буквы"),
        (6, "Номер", "номер содержит буквы"),
        (8, A, "номер повторяется: уже есть в строке 1"),
        (9, B, "номер повторяется: уже есть в строке 7"),
        (10, "375291234567.5", "номер должен состоять из 12 цифр"),
        (11, "ИСТИНА", "в ячейке не номер"),
        (12, "01.01.2026", "в ячейке не номер"),
    ]
    assert refusal.total == 10
    assert refusal.message.startswith("Файл не принят, ничего не загружено: ошибок — 10. Первая: строка 2")


def test_an_empty_first_row_counts_as_an_empty_row():
    assert rows(rejected(xlsx([None, A, B]))) == [(1, "", "пустая строка")]


def test_the_first_100_errors_are_kept_and_all_counted():
    refusal = rejected(xlsx(["x"] * 150))
    assert len(refusal.errors) == 100 and refusal.total == refusal.count == 150
    assert refusal.errors[-1].row == 100


# --- matching to the account ---------------------------------------------------------------------------------------

def test_numbers_are_matched_to_the_accounts_subscribers_in_order(session, world, monkeypatch):
    monkeypatch.setattr(uploads, "_IN_CHUNK", 2)  # several IN (...) chunks
    subs = [make_subscriber(session, world.account) for _ in range(5)]
    numbers = [s.number for s in reversed(subs)]
    assert match_numbers(session, actor=world.actor, account_id=world.account.id, numbers=numbers) == \
        [s.id for s in reversed(subs)]


def test_unknown_and_foreign_numbers_are_refused_with_their_rows(session, world):
    own = make_subscriber(session, world.account)
    foreign = make_subscriber(session, world.other_account)
    with pytest.raises(UploadRejected) as refused:
        match_numbers(session, actor=world.actor, account_id=world.account.id,
                      numbers=[own.number, foreign.number, "375000000000"])
    assert rows(refused.value) == [(2, foreign.number, "номер не найден на этом лицевом счете"),
                                   (3, "375000000000", "номер не найден на этом лицевом счете")]
    assert refused.value.message == (f"Номера не найдены на этом лицевом счете: {foreign.number}, 375000000000. "
                                     "Ничего не выбрано.")


def test_the_message_lists_at_most_ten_numbers(session, world):
    numbers = [f"3750000000{i:02d}" for i in range(15)]
    with pytest.raises(UploadRejected) as refused:
        match_numbers(session, actor=world.actor, account_id=world.account.id, numbers=numbers)
    assert refused.value.total == 15 and refused.value.message.count("375") == 10
    assert "и еще 5" in refused.value.message


def test_matching_on_another_companys_account_is_refused(session, world):
    own = make_subscriber(session, world.account)
    with pytest.raises(AccessDenied):
        match_numbers(session, actor=world.stranger, account_id=world.account.id, numbers=[own.number])


# --- kept on the server until the order ------------------------------------------------------------------------------

def chosen(session, world, upload_id, actor=None):
    return [c.number for c in chosen_subscribers(session, actor=actor or world.actor, account_id=world.account.id,
                                                 choice=Choice(upload_id=upload_id))]


def test_an_uploaded_list_is_kept_and_chosen_by_its_id_in_file_order(session, world):
    subs = [make_subscriber(session, world.account) for _ in range(3)]
    numbers = [subs[2].number, subs[0].number, subs[1].number]
    stored = uploads.store_upload(session, actor=world.actor, account_id=world.account.id, content=xlsx(numbers))
    session.commit()
    assert stored.count == 3
    assert chosen(session, world, stored.id) == numbers


def test_a_bad_file_is_refused_and_nothing_is_kept(session, world):
    own = make_subscriber(session, world.account)
    with pytest.raises(UploadRejected):
        uploads.store_upload(session, actor=world.actor, account_id=world.account.id,
                             content=xlsx([own.number, "375000000000"]))
    assert session.exec(select(func.count()).select_from(UploadedList)).one() == 0


def test_only_its_own_user_may_name_a_list_and_only_for_its_account(session, world):
    own = make_subscriber(session, world.account)
    stored = uploads.store_upload(session, actor=world.actor, account_id=world.account.id, content=xlsx([own.number]))
    colleague = make_actor(make_user(session, world.org, [world.account]), [world.account])
    session.commit()
    for actor in (colleague, world.stranger):
        with pytest.raises(AccessDenied):
            chosen(session, world, stored.id, actor=actor)
    with pytest.raises(AccessDenied):
        chosen_subscribers(session, actor=world.actor, account_id=world.sibling.id, choice=Choice(upload_id=stored.id))
    with pytest.raises(AccessDenied, match="Загрузите файл снова"):
        chosen(session, world, stored.id + 1)


def test_a_new_upload_replaces_the_users_last_and_day_old_lists_are_removed(session, world):
    first, second = make_subscriber(session, world.account), make_subscriber(session, world.account)
    earlier = uploads.store_upload(session, actor=world.actor, account_id=world.account.id, content=xlsx([first.number]))
    later = uploads.store_upload(session, actor=world.actor, account_id=world.account.id, content=xlsx([second.number]))
    session.commit()
    with pytest.raises(AccessDenied):
        chosen(session, world, earlier.id)
    assert chosen(session, world, later.id) == [second.number]

    colleague = make_actor(make_user(session, world.org, [world.account]), [world.account])
    clock.advance(days=1, seconds=1)
    uploads.store_upload(session, actor=colleague, account_id=world.account.id, content=xlsx([first.number]))
    session.commit()
    with pytest.raises(AccessDenied):
        chosen(session, world, later.id)  # a day old: gone with the colleague's upload
    assert session.exec(select(func.count()).select_from(UploadedListItem)).one() == 1


def test_a_subscriber_moved_away_after_the_upload_refuses_the_choice(session, world):
    subs = [make_subscriber(session, world.account) for _ in range(2)]
    stored = uploads.store_upload(session, actor=world.actor, account_id=world.account.id,
                                  content=xlsx([s.number for s in subs]))
    subs[1].account_id = world.sibling.id
    session.add(subs[1])
    session.commit()
    with pytest.raises(AccessDenied, match="не найдены на этом лицевом счете: 1"):
        chosen(session, world, stored.id)
