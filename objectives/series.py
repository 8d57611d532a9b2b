"""A measure's values read from a file: `period,value` rows in CSV or XLSX, checked row by row.

The same reader serves the `spc` command and the upload on a measure's page, so an analyst and
the page agree on what a file means. Every problem is collected with its row number (as a
spreadsheet numbers rows: the header is row 1); a caller saves nothing unless there are none.

Periods: a month ("2021-04", "2021-04-01", "01/04/2021", "Apr 2021", a spreadsheet date) or an
NHS financial quarter ("2021/22 Q1"). Monthly series need every month, quarterly every quarter:
SPC reads consecutive points, so a gap is an error, not something to paper over.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from objectives.quarters import QuarterDates, financial_year_label

MONTHLY = "monthly"
QUARTERLY = "quarterly"
MAX_ROWS = 5_000  # 400 years of months: anything longer is not a key indicator
MAX_BYTES = 2 * 1024 * 1024

_QUARTER_RE = re.compile(
    r"^(?:(?P<fy>\d{4}/\d{2})\s*Q(?P<q>[1-4])|Q(?P<q2>[1-4])\s*(?P<fy2>\d{4}/\d{2}))$", re.I
)
_MONTH_FORMATS = ("%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%b %Y", "%B %Y", "%b-%y", "%b-%Y")


class SeriesError(ValueError):
    """The file as a whole cannot be read (not a CSV or XLSX, no header...)."""


@dataclasses.dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number
    period: datetime.date  # the first day of the month or quarter
    value: Decimal


@dataclasses.dataclass
class Series:
    frequency: str
    rows: list[Row]
    errors: list[str]

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def labels(self) -> list[str]:
        return [period_label(row.period, self.frequency) for row in self.rows]


def quarter_start(day: datetime.date) -> datetime.date:
    """Financial quarters are calendar quarters numbered from April: Apr, Jul, Oct, Jan."""
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def period_label(period: datetime.date, frequency: str) -> str:
    if frequency == QUARTERLY:
        first_year = period.year if period.month >= 4 else period.year - 1
        return f"{financial_year_label(first_year)} Q{(period.month - 4) % 12 // 3 + 1}"
    return f"{period:%Y-%m}"


def period_display(period: datetime.date, frequency: str) -> str:
    """For people: "Apr 2021" or "Q1 2021/22"."""
    if frequency == QUARTERLY:
        year, quarter = period_label(period, frequency).split(" ")
        return f"{quarter} {year}"
    return f"{period:%b %Y}"


def next_period(period: datetime.date, frequency: str) -> datetime.date:
    months = 3 if frequency == QUARTERLY else 1
    index = period.year * 12 + period.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_period(cell, frequency: str | None = None) -> tuple[datetime.date, bool]:
    """(first day of the period, whether it was written as a quarter). Raises ValueError."""
    if isinstance(cell, datetime.datetime):
        cell = cell.date()
    if isinstance(cell, datetime.date):
        day = cell
    else:
        text = str(cell if cell is not None else "").strip()
        if not text:
            raise ValueError("the period is empty")
        match = _QUARTER_RE.match(text)
        if match:
            year = match["fy"] or match["fy2"]
            number = int(match["q"] or match["q2"])
            first_year = int(year[:4])
            if financial_year_label(first_year) != year:
                raise ValueError(f"'{text}' is not a financial year such as 2021/22 Q1")
            return QuarterDates(first_year, number).start, True
        for fmt in _MONTH_FORMATS:
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(
                f"'{text}' is not a period: write a month as 2021-04 or a quarter as 2021/22 Q1"
            )
    if frequency == QUARTERLY:
        return quarter_start(day), False
    return day.replace(day=1), False


def parse_value(cell) -> Decimal:
    if isinstance(cell, bool):
        raise ValueError("the value is not a number")
    if isinstance(cell, int | float | Decimal):
        value = Decimal(str(cell))
    else:
        text = str(cell if cell is not None else "").strip()
        if not text:
            raise ValueError("the value is empty: every period needs a value")
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"the value '{text}' is not a number") from None
    if not value.is_finite():
        raise ValueError("the value is not a finite number")
    return value


def read_rows(cells, frequency: str | None = None) -> Series:
    """`cells`: (row number, period cell, value cell) in file order, the header excluded."""
    cells = list(cells)
    if frequency is None:
        written_as_quarters = [_looks_like_quarter(period) for _, period, _ in cells]
        frequency = QUARTERLY if cells and all(written_as_quarters) else MONTHLY
    rows, errors, seen = [], [], {}
    for number, period_cell, value_cell in cells:
        problems = []
        try:
            period, _ = parse_period(period_cell, frequency)
        except ValueError as error:
            problems.append(str(error))
            period = None
        try:
            value = parse_value(value_cell)
        except ValueError as error:
            problems.append(str(error))
        if period is not None and period in seen:
            problems.append(
                f"{period_display(period, frequency)} appears twice (first on row {seen[period]})"
            )
        if problems:
            errors.append(f"Row {number}: {'; '.join(problems)}.")
            continue
        seen[period] = number
        rows.append(Row(number, period, value))
    if not cells:
        errors.append("The file has no rows of values under its header.")
    rows.sort(key=lambda row: row.period)
    if not errors:
        errors.extend(_gaps(rows, frequency))
    return Series(frequency, rows, errors)


def _looks_like_quarter(cell) -> bool:
    return isinstance(cell, str) and bool(_QUARTER_RE.match(cell.strip()))


def _gaps(rows: list[Row], frequency: str) -> list[str]:
    errors = []
    for before, row in zip(rows, rows[1:], strict=False):
        expected = next_period(before.period, frequency)
        if row.period != expected:
            missing = period_display(expected, frequency)
            errors.append(
                f"Row {row.number}: {period_display(row.period, frequency)} follows "
                f"{period_display(before.period, frequency)}, so {missing} has no value; "
                f"every {'quarter' if frequency == QUARTERLY else 'month'} needs one."
            )
    if (
        errors
        and frequency == MONTHLY
        and all(
            next_period(next_period(next_period(a.period, MONTHLY), MONTHLY), MONTHLY) == b.period
            for a, b in zip(rows, rows[1:], strict=False)
        )
    ):
        errors.append("The periods are three months apart: is this a quarterly series?")
    return errors


def read_csv(data: bytes | str, frequency: str | None = None) -> Series:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SeriesError("The file is not text in UTF-8: save it as CSV UTF-8.") from None
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff")))
    lines = [(reader.line_num, cells) for cells in reader]
    return _read_table(lines, frequency)


def read_xlsx(data: bytes, frequency: str | None = None) -> Series:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SeriesError("The file is not an Excel workbook (.xlsx) that can be read.") from None
    sheet = workbook.worksheets[0]
    lines = [
        (number, ["" if cell is None else cell for cell in cells])
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]
    workbook.close()
    return _read_table(lines, frequency)


def read_file(name: str, data: bytes, frequency: str | None = None) -> Series:
    if len(data) > MAX_BYTES:
        raise SeriesError("The file is larger than 2 MB: a measure's values fit in far less.")
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data, frequency)
    return read_csv(data, frequency)


def _read_table(lines, frequency):
    lines = [(n, cells) for n, cells in lines if any(str(c).strip() for c in cells)]
    if not lines:
        raise SeriesError("The file is empty: it needs a header 'period,value' and its rows.")
    header_number, header = lines[0]
    names = [str(cell).strip().lower() for cell in header]
    if "period" not in names or "value" not in names:
        raise SeriesError(
            f"Row {header_number} must be the header with the columns 'period' and 'value'."
        )
    if len(lines) - 1 > MAX_ROWS:
        raise SeriesError(f"The file has more than {MAX_ROWS:,} rows.")
    period_at, value_at = names.index("period"), names.index("value")

    def cell(cells, at):
        return cells[at] if at < len(cells) else ""

    return read_rows(
        ((n, cell(cells, period_at), cell(cells, value_at)) for n, cells in lines[1:]),
        frequency,
    )
