"""Reading and writing the spreadsheets people upload and download, safely.

Every upload (a plan, a measure's values) is read here, with its cost bounded before any work:
an XLSX is a zip of XML, so a 1.6 KB file can declare a million rows of 16,384 columns, and a
3 MB one can inflate to gigabytes of shared strings (issue 25). The declared uncompressed size
is checked before openpyxl opens anything (zipfile never reads past a member's declared size),
the sheet's own claim of its dimensions is ignored, rows are streamed in read-only mode, cut to
the columns a reader wants, and reading stops at the row limit.

Every writer guards text a spreadsheet would run as a formula (OWASP's CSV injection), and every
reader undoes that guard, so an export imported again changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile

# An upload of a few megabytes of XML inflates about ten times: anything past this is a bomb,
# not a plan or a measure's values (a 5,000-row plan is about 6 MB of XML).
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_MEMBERS = 500
# Spreadsheet XML compresses ten or twenty times; a part of over a megabyte that compresses a
# hundred times is filler, such as millions of one-letter shared strings that openpyxl would
# hold in a list before the first row (3 MB of them took 3 GB and 40 s).
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
# A cell longer than this is not a plan's text (csv's own limit is 128 KB, as a crash).
MAX_CELL_CHARS = 64 * 1024

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
NOT_A_WORKBOOK = "The file is not an Excel workbook (.xlsx) that can be read."


class UnreadableFile(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who sent it."""


def formula_safe(value):
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe; other
    values as given. Text that already starts with an apostrophe before a trigger is guarded
    too, so that `unguarded` gives back exactly what was written."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_TRIGGERS)
        or (value.startswith(GUARD) and value[1:].startswith((*FORMULA_TRIGGERS, GUARD)))
    ):
        return GUARD + value
    return value


def unguarded(value):
    """The inverse of `formula_safe`, for what a reader takes from a cell."""
    if (
        isinstance(value, str)
        and value.startswith(GUARD)
        and value[1:].startswith((*FORMULA_TRIGGERS, GUARD))
    ):
        return value[1:]
    return value


def xlsx_rows(data: bytes, *, max_rows: int, max_columns: int):
    """(row number, cells) of the first sheet, as a spreadsheet numbers rows, each row cut to
    `max_columns` cells and every text cell unguarded. Raises UnreadableFile for a file that is
    not a workbook, that inflates past the limit, or that has a row numbered past `max_rows`
    (blank rows count: they cost as much to read)."""
    _check_zip(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile(NOT_A_WORKBOOK) from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile("The workbook has no sheet to read.")
        sheet = workbook.worksheets[0]
        # The sheet's <dimension> is the writer's claim, not the data: a bomb claims A1:XFD1048576
        # and every row would be padded to 16,384 cells.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=max_columns, values_only=True)
        try:
            for number, cells in enumerate(rows, start=1):
                if number > max_rows:
                    raise UnreadableFile(_too_many_rows(max_rows))
                yield number, [unguarded(cell) for cell in cells]
        except UnreadableFile:
            raise
        except Exception:  # a damaged sheet fails part-way, in any of openpyxl's parsers
            raise UnreadableFile(
                "The workbook is damaged: its first sheet cannot be read to the end."
            ) from None
    finally:
        workbook.close()


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableFile(NOT_A_WORKBOOK) from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile("The workbook holds too many parts to be a plan or a measure.")
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"The workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB: "
            "save just the sheet to import, as CSV or XLSX."
        )
    if any(
        member.file_size > RATIO_FROM_BYTES
        and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        for member in members
    ):
        raise UnreadableFile(
            "The workbook is packed far more tightly than a spreadsheet's data can be: save "
            "the sheet again from your spreadsheet, as CSV or XLSX."
        )


def csv_rows(text: str, *, max_rows: int):
    """(row number, cells) of CSV text, every text cell unguarded. Line breaks of any kind (a
    bare carriage return included) end a row; a quoted cell may hold them. Raises UnreadableFile
    with the row number for what the csv module cannot read, or a row past `max_rows`."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(_csv_problem(number + 1, error)) from None
        number += 1
        if number > max_rows:
            raise UnreadableFile(_too_many_rows(max_rows))
        long = next((cell for cell in cells if len(cell) > MAX_CELL_CHARS), None)
        if long is not None:
            raise UnreadableFile(
                f"Row {number}: a cell is longer than {MAX_CELL_CHARS // 1024} KB of text."
            )
        yield number, [unguarded(cell) for cell in cells]


def _csv_problem(row: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"Row {row}: a cell is longer than {MAX_CELL_CHARS // 1024} KB of text."
    return (
        f"Row {row} cannot be read as CSV ({error}). Save the file again as CSV UTF-8 from "
        "your spreadsheet."
    )


def _too_many_rows(max_rows: int) -> str:
    return f"The file has more than {max_rows:,} rows: import it in parts, or remove blank rows."
