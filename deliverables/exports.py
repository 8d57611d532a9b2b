"""Tabular exports of the plan (CSV, JSON, XLSX), shared by the command line and the web."""

import csv
import io
import json

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from deliverables.models import Deliverable
from deliverables.presenters import PositionPresenter
from nhsuk.text import clean_text
from objectives.models import Plan

PLAN_COLUMNS = [
    "theme_number",
    "theme_title",
    "objective_number",
    "objective_title",
    "reference",
    "description",
    "delivery",
    "start_quarter",
    "end_quarter",
    "owners",
    "assurance_groups",
]
QUARTER_COLUMNS = [
    "quarter",
    "status",
    "narrative",
    "reason_for_change",
    "risks",
    "next_steps",
    "expected_date",
    "updated_by",
    "updated_at",
]
FORMATS = ("csv", "json", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATOR = "; "
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Any stored text made safe for a spreadsheet: control characters (which XLSX cannot hold,
    and which text stored before they were cleaned at entry may still have) removed, and text
    that a spreadsheet would run as a formula prefixed with an apostrophe (OWASP)."""
    value = clean_text(value)
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def plan_row(deliverable: Deliverable) -> dict:
    objective = deliverable.objective
    return {
        "theme_number": objective.theme.number,
        "theme_title": objective.theme.title,
        "objective_number": objective.number,
        "objective_title": objective.title,
        "reference": deliverable.reference,
        "description": deliverable.description,
        "delivery": deliverable.delivery,
        "start_quarter": deliverable.start_quarter,
        "end_quarter": deliverable.end_quarter,
        "owners": LIST_SEPARATOR.join(owner.code for owner in deliverable.ordered_owners),
        "assurance_groups": LIST_SEPARATOR.join(
            group.label for group in deliverable.ordered_assurance_groups
        ),
    }


def quarter_row(deliverable: Deliverable, quarter) -> dict:
    """The quarter's update columns; `deliverable` comes from `with_update_in(quarter)`."""
    update = deliverable.quarter_update
    if update is None:
        # Rows come annotated by `with_status_in(quarter)`: the position says why none.
        return dict.fromkeys(QUARTER_COLUMNS, "") | {
            "quarter": quarter.number,
            "status": PositionPresenter.for_row(deliverable).label,
        }
    person = update.updated_by
    return {
        "quarter": quarter.number,
        "status": PositionPresenter.for_row(deliverable).label,
        "narrative": update.narrative,
        "reason_for_change": update.reason_for_change,
        "risks": update.risks,
        "next_steps": update.next_steps,
        "expected_date": update.expected_date.isoformat() if update.expected_date else "",
        "updated_by": (person.get_full_name() or person.get_username()) if person else "",
        "updated_at": timezone.localtime(update.updated_at).strftime("%Y-%m-%d %H:%M"),
    }


def rows_for(deliverables, quarter=None) -> list[dict]:
    """Export rows for deliverables (from `with_plan_details`, plus `with_update_in(quarter)`
    when a quarter is given)."""
    if quarter is None:
        return [plan_row(deliverable) for deliverable in deliverables]
    return [plan_row(d) | quarter_row(d, quarter) for d in deliverables]


def plan_rows(plan: Plan, quarter=None):
    deliverables = Deliverable.objects.in_plan(plan).with_plan_details().natural_order()
    if quarter is not None:
        deliverables = deliverables.with_status_in(quarter).with_update_in(quarter)
    return rows_for(deliverables, quarter)


def columns_for(quarter=None) -> list[str]:
    return PLAN_COLUMNS + (QUARTER_COLUMNS if quarter is not None else [])


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_safe("" if v is None else v) for key, v in row.items()})
    return buffer.getvalue()


CSV_TYPE = "text/csv; charset=utf-8"


def to_csv_download(rows: list[dict], columns: list[str]) -> bytes:
    """CSV for a browser download: UTF-8 with a byte order mark, which Excel on Windows needs
    to read "•", "–" and accents as written (without it, it guesses a legacy code page)."""
    return ("\ufeff" + to_csv(rows, columns)).encode("utf-8")


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n"


def append_safe_row(sheet, values):
    """Append a spreadsheet row that no cell can turn into a formula."""
    sheet.append([spreadsheet_safe(value) for value in values])
    for cell in sheet[sheet.max_row]:
        # Belt and braces: a string is always stored as text, never as a formula.
        if isinstance(cell.value, str):
            cell.data_type = "s"


def to_xlsx(rows: list[dict], columns: list[str], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_safe_row(sheet, [row[column] for column in columns])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(quarter, description: str, extension: str) -> str:
    """For example uhbplan_2021-22_Q2_assurance-group-DHG.csv: plan, quarter and filter."""
    year = quarter.plan.financial_year.replace("/", "-")
    safe = slugify(description)[:80] or "all"
    return f"uhbplan_{year}_Q{quarter.number}_{safe}.{extension}"
