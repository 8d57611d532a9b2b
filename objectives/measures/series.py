"""A measure's values read from a file: `period,value` rows in CSV or XLSX, checked row by row.

The same reader serves the `spc` command and the upload on a measure's page, so an analyst and
the page agree on what a file means. Every problem is collected with its row number (as a
spreadsheet numbers rows: the header is row 1); a caller saves nothing unless there are none.

Periods: a month ("2021-04", "2021-04-01", "01/04/2021", "Apr 2021", a spreadsheet date) or an
NHS financial quarter ("2021/22 Q1"). Monthly series need every month, quarterly every quarter:
SPC reads consecutive points, so a gap is an error, not something to paper over.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal, InvalidOperation

from common.spreadsheets import UnreadableFile, csv_rows, xlsx_rows
from objectives.quarters import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    QuarterDates,
    financial_year_label,
)

MONTHLY = "monthly"
QUARTERLY = "quarterly"
MAX_ROWS = 5_000  # 400 years of months: anything longer is not a key indicator
MAX_BYTES = 2 * 1024 * 1024
TOO_LARGE = "The file is larger than 2 MB: a measure's values fit in far less."
# What is read of a file at most: the rows with room for blank ones, the columns with room for
# notes beside the two that count.
MAX_LINES = 2 * MAX_ROWS
MAX_COLUMNS = 50

_QUARTER_RE = re.compile(
    r"^(?:(?P<fy>\d{4}/\d{2})\s*Q(?P<q>[1-4])|Q(?P<q2>[1-4])\s*(?P<fy2>\d{4}/\d{2}))$", re.I
)
# Commas only as thousands separators, in their places: "1,234" and "12,345.6", never "12,3".
_THOUSANDS_RE = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
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
            day = QuarterDates(first_year, number).start
            if not EARLIEST_YEAR <= first_year <= LATEST_YEAR:
                raise ValueError(
                    f"{year} is outside the years a measure can hold ({EARLIEST_YEAR} to "
                    f"{LATEST_YEAR})"
                )
            return day, True
        for fmt in _MONTH_FORMATS:
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            if _us_date(text):
                raise ValueError(
                    f"'{text}' is a US date (month first); write the month as 2021-04, or the "
                    "date day first (01/04/2021)"
                )
            raise ValueError(
                f"'{text}' is not a period: write a month as 2021-04 or a quarter as 2021/22 Q1"
            )
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(
            f"{day.year} is outside the years a measure can hold ({EARLIEST_YEAR} to {LATEST_YEAR})"
        )
    if frequency == QUARTERLY:
        return quarter_start(day), False
    return day.replace(day=1), False


_SLASHED_RE = re.compile(r"(?P<first>[0-9]{1,2})/(?P<second>[0-9]{1,2})/[0-9]{4}")
_US_HINT = (
    ": if the file's dates are written month first (US style, 02/01/2021 for 1 February), "
    "write each month as 2021-02 instead"
)


def _day_first(cell) -> bool:
    """A dd/mm/yyyy date whose day is not the 1st: one of a US file's months read as days."""
    match = _SLASHED_RE.fullmatch(str(cell).strip()) if isinstance(cell, str) else None
    return bool(match) and int(match["first"]) != 1


def _us_date(text: str) -> bool:
    match = _SLASHED_RE.fullmatch(text)
    return bool(match) and int(match["second"]) > 12 and int(match["first"]) <= 12


def parse_value(cell) -> Decimal:
    if isinstance(cell, bool):
        raise ValueError("the value is not a number")
    if isinstance(cell, int | float | Decimal):
        value = Decimal(str(cell))
    else:
        text = str(cell if cell is not None else "").strip()
        if not text:
            raise ValueError("the value is empty: every period needs a value")
        if "," in text:
            if not _THOUSANDS_RE.fullmatch(text):
                raise ValueError(
                    f"the value '{text}' is not a number: write decimals with a point (12.5), "
                    "and commas only between thousands (1,234)"
                )
            text = text.replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"the value '{text}' is not a number") from None
    if not value.is_finite():
        raise ValueError("the value is not a finite number")
    return value


def read_rows(cells, frequency: str | None = None, problems=None) -> Series:
    """`cells`: (row number, period cell, value cell) in file order, the header excluded;
    `problems`: what the file's layout already found wrong with a row, by its number."""
    cells = list(cells)
    if frequency is None:
        written_as_quarters = [_looks_like_quarter(period) for _, period, _ in cells]
        frequency = QUARTERLY if cells and all(written_as_quarters) else MONTHLY
    rows, errors, seen = [], [], {}
    for number, period_cell, value_cell in cells:
        found = list((problems or {}).get(number, ()))
        try:
            period, _ = parse_period(period_cell, frequency)
        except ValueError as error:
            found.append(str(error))
            period = None
        try:
            value = parse_value(value_cell)
        except ValueError as error:
            found.append(str(error))
        if period is not None and period in seen:
            found.append(
                f"{period_display(period, frequency)} appears twice (first on row {seen[period]})"
                + (_US_HINT if _day_first(period_cell) else "")
            )
        if found:
            errors.append(f"Row {number}: {'; '.join(found)}.")
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
    return _read_table(csv_rows(data.lstrip("\ufeff"), max_rows=MAX_LINES), frequency)


def read_xlsx(data: bytes, frequency: str | None = None) -> Series:
    rows = xlsx_rows(data, max_rows=MAX_LINES, max_columns=MAX_COLUMNS)
    return _read_table(
        ((n, ["" if value is None else value for value in cells]) for n, cells in rows), frequency
    )


def read_file(name: str, data: bytes, frequency: str | None = None) -> Series:
    if len(data) > MAX_BYTES:
        raise SeriesError(TOO_LARGE)
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data, frequency)
    return read_csv(data, frequency)


def _read_table(lines, frequency):
    try:
        lines = [(n, cells) for n, cells in lines if any(str(c).strip() for c in cells)]
    except UnreadableFile as error:
        raise SeriesError(str(error)) from None
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
    width = max(i for i, name in enumerate(names) if name) + 1
    # An unquoted "1,234" is two cells: reading the first alone would store 1 (issue 25).
    problems = {
        n: [
            f"it has more cells than the header ({', '.join(n for n in names if n)}): a "
            'number with a thousands separator must be in quotes ("1,234") or written 1234'
        ]
        for n, cells in lines[1:]
        if any(str(c).strip() for c in cells[width:])
    }

    def at(cells, index):
        return cells[index] if index < len(cells) else ""

    return read_rows(
        ((n, at(cells, period_at), at(cells, value_at)) for n, cells in lines[1:]),
        frequency,
        problems=problems,
    )
