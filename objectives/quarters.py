"""NHS financial-year quarter arithmetic and delivery-window parsing.

Pure functions, no database: the models and forms call these so the rules live in one place.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

QUARTER_NUMBERS = (1, 2, 3, 4)
# The years a plan or a measure's period may be in: from the NHS's founding to the end of the
# century. Outside them a date is a typing slip, and year 9999's "next period" is year 10000,
# which no date can hold (issue 25: My updates answered 500 for ever after one such value).
EARLIEST_YEAR = 1948
LATEST_YEAR = 2099
# Q1 starts in April; each quarter is three months.
_QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


@dataclass(frozen=True)
class QuarterDates:
    """The dates and label of one quarter of a financial year that starts in `first_year`."""

    first_year: int
    number: int

    def __post_init__(self):
        if self.number not in QUARTER_NUMBERS:
            raise ValueError(f"A quarter number is 1 to 4, not {self.number}.")

    @property
    def financial_year(self) -> str:
        return financial_year_label(self.first_year)

    @property
    def start(self) -> datetime.date:
        year = self.first_year + (1 if self.number == 4 else 0)
        return datetime.date(year, _QUARTER_START_MONTH[self.number], 1)

    @property
    def end(self) -> datetime.date:
        start = self.start
        month = start.month + 3
        year = start.year + (1 if month > 12 else 0)
        month = month - 12 if month > 12 else month
        return datetime.date(year, month, 1) - datetime.timedelta(days=1)

    @property
    def default_deadline(self) -> datetime.date:
        """Updates are due on the 15th of the month after the quarter ends (15 July for Q1):
        what a new plan's quarters start with; a plan administrator can change each."""
        after = self.end + datetime.timedelta(days=1)
        return after.replace(day=15)

    @property
    def short_label(self) -> str:
        return f"Q{self.number}"

    @property
    def months_label(self) -> str:
        """For example "Jul–Sep 2021"."""
        return f"{self.start:%b}–{self.end:%b %Y}"

    @property
    def label(self) -> str:
        """For example "Q2 2021/22, Jul–Sep 2021"."""
        return f"Q{self.number} {self.financial_year}, {self.months_label}"


_ASCII_NUMBER = re.compile(r"[0-9]{1,9}")


def parse_number(text) -> int | None:
    """A whole number typed or put in a URL, or None. ASCII digits only: str.isdigit() and int()
    also accept "²", "٣" or "３", which then fail or surprise further on (issue: 500s on "²")."""
    text = str(text if text is not None else "").strip()
    return int(text) if _ASCII_NUMBER.fullmatch(text) else None


def financial_year_label(first_year: int) -> str:
    """2021 -> "2021/22"."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"


_FINANCIAL_YEAR_RE = re.compile(r"^(?P<first>\d{4})/(?P<second>\d{2})$", re.ASCII)


def parse_financial_year(label: str, *, bounded: bool = True) -> int:
    """ "2021/22" -> 2021. Rejects anything that is not two consecutive years and, unless
    `bounded` is off (for finding a plan that exists, such as the benchmark's 2300/01), any
    year outside EARLIEST_YEAR to LATEST_YEAR."""
    match = _FINANCIAL_YEAR_RE.match((label or "").strip())
    if not match:
        raise ValidationError(
            "Enter the financial year as two consecutive years, for example 2021/22.",
            code="invalid_financial_year",
        )
    first = int(match["first"])
    if (first + 1) % 100 != int(match["second"]):
        raise ValidationError(
            "The second year must follow the first, for example 2021/22.",
            code="invalid_financial_year",
        )
    if bounded and not EARLIEST_YEAR <= first <= LATEST_YEAR:
        raise ValidationError(
            f"Enter a financial year from {financial_year_label(EARLIEST_YEAR)} to "
            f"{financial_year_label(LATEST_YEAR)}.",
            code="invalid_financial_year",
        )
    return first


# "Q1", "Q1-4", "Q1-Q3", "Q1 – Q4", "From Q1"; dashes may be hyphens or en/em dashes.
_DASH = r"\s*[-–—]\s*"
_SINGLE_RE = re.compile(r"^Q(?P<start>\d+)$", re.IGNORECASE | re.ASCII)
_RANGE_RE = re.compile(rf"^Q(?P<start>\d+){_DASH}Q?(?P<end>\d+)$", re.IGNORECASE | re.ASCII)
_FROM_RE = re.compile(r"^From\s+Q(?P<start>\d+)$", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class DeliveryWindow:
    start: int
    end: int | None  # None: runs past the plan year ("From Q1")


def _check_quarter(number: int, label: str) -> int:
    if number not in QUARTER_NUMBERS:
        raise ValidationError(
            "“%(label)s” names Q%(number)s; a financial year has quarters Q1 to Q4.",
            code="invalid_quarter",
            params={"label": label, "number": number},
        )
    return number


def parse_delivery_window(label: str) -> DeliveryWindow:
    """Parse a delivery label as the plan writes it into its start and end quarter.

    Raises ValidationError with a message a plan administrator can act on.
    """
    text = (label or "").strip()
    if not text:
        raise ValidationError(
            "Enter the delivery window, for example Q1-4, Q2 or From Q1.", code="required"
        )
    if match := _SINGLE_RE.match(text):
        start = _check_quarter(int(match["start"]), text)
        return DeliveryWindow(start, start)
    if match := _FROM_RE.match(text):
        return DeliveryWindow(_check_quarter(int(match["start"]), text), None)
    if match := _RANGE_RE.match(text):
        start = _check_quarter(int(match["start"]), text)
        end = _check_quarter(int(match["end"]), text)
        if end < start:
            raise ValidationError(
                "“%(label)s” ends before it starts: write the earlier quarter first, "
                "for example Q1-3.",
                code="invalid_range",
                params={"label": text},
            )
        return DeliveryWindow(start, end)
    raise ValidationError(
        "“%(label)s” is not a delivery window. Write it as Q2, Q1-4, Q1-Q3 or From Q1.",
        code="invalid_window",
        params={"label": text},
    )


# Every delivery window a plan can give, in the order lists offer them: the whole year first.
WHOLE_YEAR = "Q1-4"
DELIVERY_WINDOWS = (
    [WHOLE_YEAR]
    + [f"Q{n}" for n in QUARTER_NUMBERS]
    + [f"Q{a}-{b}" for a in QUARTER_NUMBERS for b in QUARTER_NUMBERS if b > a and (a, b) != (1, 4)]
    + [f"From Q{n}" for n in QUARTER_NUMBERS]
)

_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?:/[0-9]{2})?(?![0-9])")


def years_named_before(text: str, first_year: int) -> list[str]:
    """The years a text names that are before a plan year starting in April of `first_year`
    ("by December 2021", "in 2021/22"): a carried deliverable's promise to check."""
    return sorted(
        {match[0] for match in _YEAR_RE.finditer(text or "") if int(match[1]) < first_year}
    )
