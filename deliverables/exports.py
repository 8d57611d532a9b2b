"""Tabular exports of the plan (CSV, JSON, XLSX), shared by the command line and the web."""

import csv
import io
import json

from openpyxl import Workbook
from openpyxl.styles import Font

from deliverables.models import Deliverable
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
FORMATS = ("csv", "json", "xlsx")
LIST_SEPARATOR = "; "
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP)."""
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


def plan_rows(plan: Plan):
    deliverables = Deliverable.objects.in_plan(plan).with_plan_details().natural_order()
    return [plan_row(deliverable) for deliverable in deliverables]


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_safe("" if v is None else v) for key, v in row.items()})
    return buffer.getvalue()


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n"


def to_xlsx(rows: list[dict], columns: list[str], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_safe(row[column]) for column in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # Belt and braces: a string is always stored as text, never as a formula.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
