"""The import template: an XLSX of the columns, with help for each."""

import io

from assurance.models import AssuranceGroup
from deliverables.exports import PLAN_COLUMNS, spreadsheet_safe
from deliverables.models import Owner
from objectives.quarters import DELIVERY_WINDOWS
from planning.importing.checking import EXAMPLE_MARK

COLUMN_HELP = {
    "theme_number": "The strategic theme's number: 1, 2, 3... The same on every row of a theme.",
    "theme_title": "The theme's title, as the plan words it. The same on every row of a theme.",
    "objective_number": "The strategic objective's number, unique in the plan: 1, 2, 3...",
    "objective_title": "The objective's title, as the plan words it.",
    "reference": "The deliverable's reference: the objective's number, a dot and its own number "
    "(6.4). Each reference once.",
    "description": "The deliverable as the plan words it. Start a line with “• ” for a bullet.",
    "delivery": "The delivery window in quarters of the financial year: Q2, Q1-4, Q1-Q3 or From "
    "Q1 (from the list).",
    "start_quarter": "Worked out from the delivery window: leave it empty (it is ignored).",
    "end_quarter": "Worked out from the delivery window: leave it empty (it is ignored).",
    "owners": "The executive owners' codes, the lead first, separated by “; ” (CFO; CWIO). Codes "
    "not in uhbplan yet are listed before anything is created.",
    "assurance_groups": "The assurance groups' codes (or names where a group has no code), "
    "separated by “; ” (DHG; CEAG).",
}


WINDOWS = DELIVERY_WINDOWS


def template_xlsx() -> bytes:
    """The import template: the columns with an example row, lists to choose from, and a sheet
    explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(PLAN_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            1,
            "Clinical Service Planning Across Sites",
            1,
            "Continue to align corporate and clinical services across the trust",
            "1.1",
            f"{EXAMPLE_MARK} Develop and implement a plan for informatics support for the "
            "divisions",
            "Q1-4",
            "",
            "",
            "CFO; CWIO",
            "CEAG",
        ]
    )
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", [8, 30, 10, 40, 10, 60, 12, 8, 8, 16, 24], strict=True):
        sheet.column_dimensions[column].width = width

    lists = workbook.create_sheet("Lists")
    owners = list(Owner.objects.order_by("code").values_list("code", flat=True))
    groups = sorted(g.label for g in AssuranceGroup.objects.all())
    for column, (heading, values) in enumerate(
        [("Owners", owners), ("Assurance groups", groups), ("Delivery windows", WINDOWS)],
        start=1,
    ):
        lists.cell(row=1, column=column, value=heading).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            # Owner and group names come from people and imports: text, never a formula.
            cell = lists.cell(row=row, column=column, value=spreadsheet_safe(value))
            cell.data_type = "s"
    for letter, target, count in (
        ("A", "J", len(owners)),
        ("B", "K", len(groups)),
        ("C", "G", len(WINDOWS)),
    ):
        if not count:
            continue
        validation = DataValidation(
            type="list",
            formula1=f"=Lists!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            # A warning, not a stop: a cell may name several, separated by "; ".
            errorStyle="warning" if target != "G" else "stop",
            error="Choose from the list (several owners or groups: separate them with “; ”).",
            errorTitle="Not in the list",
        )
        validation.add(f"{target}2:{target}1000")
        sheet.add_data_validation(validation)

    help_sheet = workbook.create_sheet("Columns")
    help_sheet.append(["Column", "What to write"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in PLAN_COLUMNS:
        help_sheet.append([column, COLUMN_HELP[column]])
    help_sheet.append([])
    help_sheet.append(
        [
            "Importing",
            "Plan administration → Reporting cycle → Import a plan, or `python manage.py "
            "import_plan FILE --plan 2022/23`. Every row is checked first; nothing is written "
            "unless all are valid. Importing the same file again changes nothing.",
        ]
    )
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
