"""Tabular exports of the plan (CSV, JSON, XLSX), shared by the command line and the web."""

import csv
import io
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from common.spreadsheets import formula_safe
from deliverables import extensions
from deliverables.models import SUBMITTED, Deliverable
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
# Rows read from the database, and written to the response, at a time.
CHUNK = 500


def spreadsheet_safe(value):
    """Any stored text made safe for a spreadsheet: control characters (which XLSX cannot hold,
    and which text stored before they were cleaned at entry may still have) removed, and text
    that a spreadsheet would run as a formula prefixed with an apostrophe (OWASP)."""
    return formula_safe(clean_text(value))


def plan_row(deliverable: Deliverable, owners=None, groups=None) -> dict:
    """The plan's columns; owners and groups from `with_plan_details` unless given."""
    objective = deliverable.objective
    if owners is None:
        owners = [owner.code for owner in deliverable.ordered_owners]
    if groups is None:
        groups = [group.label for group in deliverable.ordered_assurance_groups]
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
        "owners": LIST_SEPARATOR.join(owners),
        "assurance_groups": LIST_SEPARATOR.join(groups),
    }


# The quarter's submitted update, read through a join (one per deliverable and quarter).
_UPDATE_FIELDS = ["narrative", "reason_for_change", "risks", "next_steps", "expected_date"]
_PEOPLE_FIELDS = ["first_name", "last_name", "username"]


def quarter_row(deliverable: Deliverable, quarter) -> dict:
    """The quarter's update columns, for a row from `rows_for`: annotated by
    `with_status_in(quarter)` (the position, which also says why there is no update) and with
    the update's fields as `export_<field>`."""
    row = dict.fromkeys(QUARTER_COLUMNS, "") | {
        "quarter": quarter.number,
        "status": PositionPresenter.for_row(deliverable).label,
    }
    updated_at = deliverable.export_updated_at
    if updated_at is None:
        return row
    expected = deliverable.export_expected_date
    name = f"{deliverable.export_first_name} {deliverable.export_last_name}".strip()
    return row | {
        **{field: getattr(deliverable, f"export_{field}") for field in _UPDATE_FIELDS},
        "expected_date": expected.isoformat() if expected else "",
        "updated_by": name or deliverable.export_username or "",
        "updated_at": timezone.localtime(updated_at).strftime("%Y-%m-%d %H:%M"),
    }


def links(deliverables, relation: str, *labels) -> dict[int, list]:
    """deliverable id -> its owners' or groups' `labels` (a value each, or a tuple of them if
    several), in the plan's order: one query for any number of deliverables, small values
    only, no model objects."""
    rows = Deliverable._meta.get_field(relation).related_model.objects.filter(
        deliverable__in=deliverables.order_by().values("pk")
    )
    found = defaultdict(list)
    for deliverable_id, *values in (
        rows.order_by("deliverable_id", "position")
        .values_list("deliverable_id", *labels)
        .iterator()
    ):
        found[deliverable_id].append(values[0] if len(values) == 1 else tuple(values))
    return found


def rows_for(deliverables, quarter=None) -> Iterator[dict]:
    """Export rows for `deliverables` (a filtered queryset; with `with_status_in(quarter)` when
    a quarter is given), streamed: the deliverables are read through one cursor in chunks,
    their update by a join, and owners and groups by one query each, so a plan of any size
    takes the same queries and flat memory."""
    owners = links(deliverables, "owner_links", "owner__code")
    # Each deliverable's assurance groups, as the assurance app reads them (one query).
    groups = extensions.export_column("assurance_groups", deliverables)
    rows = deliverables.select_related("objective__theme").prefetch_related(None)
    if quarter is not None:
        submitted = Q(updates__quarter=quarter, updates__sign_off__in=SUBMITTED)
        rows = rows.annotate(
            export_update=FilteredRelation("updates", condition=submitted)
        ).annotate(
            **{f"export_{f}": F(f"export_update__{f}") for f in [*_UPDATE_FIELDS, "updated_at"]},
            **{f"export_{f}": F(f"export_update__updated_by__{f}") for f in _PEOPLE_FIELDS},
        )
    for deliverable in rows.iterator(chunk_size=CHUNK):
        row = plan_row(deliverable, owners[deliverable.pk], groups[deliverable.pk])
        yield row | quarter_row(deliverable, quarter) if quarter is not None else row


def plan_rows(plan: Plan, quarter=None):
    deliverables = Deliverable.objects.in_plan(plan).natural_order()
    if quarter is not None:
        deliverables = deliverables.with_status_in(quarter)
    return rows_for(deliverables, quarter)


def columns_for(quarter=None) -> list[str]:
    return PLAN_COLUMNS + (QUARTER_COLUMNS if quarter is not None else [])


class _Line:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, line):
        return line


def csv_chunks(rows, columns: list[str], bom: bool = False) -> Iterator[str]:
    """CSV text in pieces of CHUNK rows, as the rows arrive: the response starts at once."""
    writer = csv.DictWriter(_Line(), fieldnames=columns, lineterminator="\r\n")
    piece = [("\ufeff" if bom else "") + writer.writeheader()]
    for row in rows:
        piece.append(
            writer.writerow(
                {key: spreadsheet_safe("" if v is None else v) for key, v in row.items()}
            )
        )
        if len(piece) >= CHUNK:
            yield "".join(piece)
            piece = []
    yield "".join(piece)


def to_csv(rows, columns: list[str]) -> str:
    return "".join(csv_chunks(rows, columns))


CSV_TYPE = "text/csv; charset=utf-8"


def csv_download(rows, columns: list[str]) -> Iterator[bytes]:
    """CSV for a browser download, streamed: UTF-8 with a byte order mark, which Excel on
    Windows needs to read "•", "–" and accents as written (without it, it guesses a legacy
    code page)."""
    return (piece.encode("utf-8") for piece in csv_chunks(rows, columns, bom=True))


def to_json(rows) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n"


def safe_cells(sheet, values) -> list:
    """A spreadsheet row that no cell can turn into a formula."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(value))
        if isinstance(cell.value, str):
            # Belt and braces: a string is always stored as text, never as a formula.
            cell.data_type = "s"
        cells.append(cell)
    return cells


def append_safe_row(sheet, values):
    sheet.append(safe_cells(sheet, values))


def write_xlsx(rows, columns: list[str], title: str, output) -> None:
    """The rows as a one-sheet workbook, written to `output` (a file or file-like object).
    openpyxl's write-only mode keeps one row in memory at a time, whatever the plan's size."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        append_safe_row(sheet, [row[column] for column in columns])
    workbook.save(output)


def to_xlsx(rows, columns: list[str], title: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, columns, title, buffer)
    return buffer.getvalue()


def xlsx_file(rows, columns: list[str], title: str):
    """The workbook in a temporary file (deleted when closed), for a download that streams it
    from disk instead of holding it in memory."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it when sent)
    write_xlsx(rows, columns, title, output)
    output.seek(0)
    return output


def file_name(quarter, description: str, extension: str) -> str:
    """For example uhbplan_2021-22_Q2_assurance-group-DHG.csv: plan, quarter and filter."""
    year = quarter.plan.financial_year.replace("/", "-")
    safe = slugify(description)[:80] or "all"
    return f"uhbplan_{year}_Q{quarter.number}_{safe}.{extension}"
