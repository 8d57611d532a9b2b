"""Importing a plan: from the columns `export_plan` writes (CSV or XLSX), or from the trust's own
tab-separated plan document (`core/plan_document.py`).

Reading and checking (`read`) writes nothing: it gives every row's problems by row and column,
the owners and groups the file names that do not exist yet, warnings, and what importing would
create or change. `apply` then writes all of it or none of it, in one transaction, each row's
history naming the person and the file. Importing the same file into the same plan again
changes nothing: rows are matched by theme and objective number and by reference.
"""

import dataclasses
import io
import re

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from assurance.models import AssuranceGroup, DeliverableAssuranceGroup
from common import spreadsheets
from common.history import recorded_save
from common.spreadsheets import UnreadableFile
from common.text import field_limit, shortened
from core import plan_document, plans
from deliverables.exports import PLAN_COLUMNS, spreadsheet_safe
from deliverables.models import Deliverable, DeliverableOwner, Owner
from objectives.models import KeyIndicator, Objective, Plan, Theme
from objectives.quarters import parse_delivery_window, parse_number

MAX_BYTES = 5 * 1024 * 1024
TOO_LARGE = "The file is larger than 5 MB: a plan fits in far less."
# What is read of a file at most: a plan of 5,000 deliverables with room for blank rows, and the
# export's columns with room for notes beside them.
MAX_LINES = 10_000
MAX_COLUMNS = 50
REQUIRED = [c for c in PLAN_COLUMNS if c not in ("start_quarter", "end_quarter")]
_REFERENCE_RE = re.compile(r"^(?P<objective>[0-9]{1,3})\.(?P<number>[0-9]{1,3})$")
# A new group written like a code (DHG, COOG) gets it as its code; anything else is a name.
_CODE_RE = re.compile(r"^[A-Z][A-Za-z0-9&/-]{0,19}$")


class PlanFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for a person."""


@dataclasses.dataclass
class Row:
    number: int
    theme_number: int
    theme_title: str
    objective_number: int
    objective_title: str
    deliverable_number: int
    description: str
    delivery: str
    owners: list[str]
    groups: list[str]

    @property
    def reference(self) -> str:
        return f"{self.objective_number}.{self.deliverable_number}"


@dataclasses.dataclass
class Reading:
    """What a file holds and what importing it would do."""

    kind: str  # "columns" or "document"
    rows: list[Row]
    errors: list[str]
    warnings: list[str]
    new_owners: list[str]
    new_groups: list[str]
    # From the plan document only: key indicators by objective number, and the key's titles.
    indicators: dict = dataclasses.field(default_factory=dict)
    themes: dict = dataclasses.field(default_factory=dict)  # every heading, with or without rows
    owner_titles: dict = dataclasses.field(default_factory=dict)
    group_names: dict = dataclasses.field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def counts(self) -> dict:
        return {
            "themes": len({r.theme_number for r in self.rows}),
            "objectives": len({r.objective_number for r in self.rows}),
            "deliverables": len(self.rows),
        }


def read(name: str, data: bytes) -> Reading:
    """Read and check a file; nothing is written. Raises PlanFileError for a file that cannot be
    read at all."""
    if len(data) > MAX_BYTES:
        raise PlanFileError(TOO_LARGE)
    try:
        return _read(name.lower(), data)
    except UnreadableFile as error:
        raise PlanFileError(str(error)) from None


def _read(lower: str, data: bytes) -> Reading:
    if lower.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        rows = spreadsheets.xlsx_rows(data, max_rows=MAX_LINES, max_columns=MAX_COLUMNS)
        return _check(
            "columns", ((n, ["" if c is None else str(c) for c in cells]) for n, cells in rows)
        )
    text = _text(data)
    if plan_document.looks_like_document(text):
        document = plan_document.read(text)
        reading = _check("document", document.cells)
        reading.errors[:0] = document.errors
        reading.warnings[:0] = document.warnings
        reading.indicators = document.indicators
        reading.themes = document.themes
        reading.owner_titles = document.owner_titles
        reading.group_names = document.group_names
        return reading
    if lower.endswith((".csv", ".txt", ".tsv")) or "," in text.partition("\n")[0]:
        return _check("columns", spreadsheets.csv_rows(text, max_rows=MAX_LINES))
    raise PlanFileError(
        "This is not a plan file: upload the XLSX or CSV that the plan export gives (or the "
        "template), or the plan document saved as tab-separated text."
    )


def _text(data: bytes) -> str:
    if b"\x00" in data[:1024]:
        raise PlanFileError("This is not a spreadsheet or text file that can be read.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise PlanFileError("The file is not text in UTF-8: save it as CSV UTF-8.") from None


def _limits() -> dict:
    """The columns whose text is stored in a bounded column, with its bound."""
    return {
        "theme_title": field_limit(Theme, "title"),
        "objective_title": field_limit(Objective, "title"),
    }


def _check(kind, lines) -> Reading:
    """Every row checked, each problem named by row and column."""
    lines = [(n, cells) for n, cells in lines if any(str(c).strip() for c in cells)]
    if not lines:
        raise PlanFileError("The file is empty: it needs the header row and a row per deliverable.")
    header_number, header = lines[0]
    names = [str(c).strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise PlanFileError(
            f"Row {header_number} must be the header with the columns {', '.join(REQUIRED)}; "
            f"missing: {', '.join(missing)}."
        )
    at = {name: names.index(name) for name in REQUIRED}
    rows, errors, warnings = [], [], []
    seen_references, themes, objectives = {}, {}, {}
    for number, cells in lines[1:]:
        cell = {name: (str(cells[i]).strip() if i < len(cells) else "") for name, i in at.items()}
        problems = []

        def problem(column, message, problems=problems, number=number):
            problems.append(f"Row {number}, {column}: {message}")

        theme_number = _positive(cell["theme_number"], "theme_number", problem, "theme")
        objective_number = _positive(
            cell["objective_number"], "objective_number", problem, "objective"
        )
        for column in ("theme_title", "objective_title", "description"):
            if not cell[column]:
                problem(column, "is empty.")
        for column, limit in _limits().items():
            if len(cell[column]) > limit:
                problem(column, f"is {len(cell[column]):,} characters; at most {limit} fit.")
        if not cell["theme_number"] and not cell["theme_title"] and cell["objective_number"]:
            problem("theme_number", "the objective has no theme.")
        deliverable_number = None
        match = _REFERENCE_RE.match(cell["reference"])
        if not cell["reference"]:
            problem("reference", "is empty: every deliverable needs its reference, such as 6.4.")
        elif not match:
            problem("reference", f"“{cell['reference']}” is not a reference such as 6.4.")
        elif objective_number is not None and int(match["objective"]) != objective_number:
            problem(
                "reference",
                f"{cell['reference']} is not under objective {objective_number}.",
            )
        elif int(match["number"]) < 1:
            problem("reference", f"{cell['reference']} must end in a number from 1.")
        else:
            deliverable_number = int(match["number"])
            if cell["reference"] in seen_references:
                problem(
                    "reference",
                    f"{cell['reference']} appears twice (first on row "
                    f"{seen_references[cell['reference']]}).",
                )
            seen_references.setdefault(cell["reference"], number)
        try:
            parse_delivery_window(cell["delivery"])
        except ValidationError as error:
            problem("delivery", error.messages[0])
        owners = _split(cell["owners"])
        groups = _split(cell["assurance_groups"])
        if not owners:
            problem("owners", "is empty: name at least one owner's code.")
        for column, names, limit in (
            ("owners", owners, field_limit(Owner, "code")),
            ("assurance_groups", groups, field_limit(AssuranceGroup, "name")),
        ):
            for name in names:
                if len(name) > limit:
                    problem(column, f"“{shortened(name, 40)}” is longer than {limit} characters.")
        if theme_number is not None and cell["theme_title"]:
            first = themes.setdefault(theme_number, (cell["theme_title"], number))
            if first[0] != cell["theme_title"]:
                problem("theme_title", f"theme {theme_number} is “{first[0]}” on row {first[1]}.")
        if objective_number is not None and theme_number is not None:
            first = objectives.setdefault(
                objective_number, (cell["objective_title"], theme_number, number)
            )
            if first[1] != theme_number:
                problem(
                    "theme_number",
                    f"objective {objective_number} is under theme {first[1]} on row {first[2]}.",
                )
            elif first[0] != cell["objective_title"]:
                problem(
                    "objective_title",
                    f"objective {objective_number} is “{first[0]}” on row {first[2]}.",
                )
        if problems:
            errors.extend(problems)
            continue
        rows.append(
            Row(
                number,
                theme_number,
                cell["theme_title"],
                objective_number,
                cell["objective_title"],
                deliverable_number,
                cell["description"],
                cell["delivery"],
                owners,
                groups,
            )
        )
    if len(lines) == 1:
        errors.append("The file has a header but no deliverables under it.")
    known_owners = set(Owner.objects.values_list("code", flat=True))
    known_groups = {g.label for g in AssuranceGroup.objects.all()}
    new_owners = sorted({c for r in rows for c in r.owners} - known_owners)
    new_groups = sorted({g for r in rows for g in r.groups} - known_groups)
    for row in rows:
        if not row.groups:
            warnings.append(f"Row {row.number}: {row.reference} has no assurance group.")
    return Reading(kind, rows, errors, warnings, new_owners, new_groups)


def _positive(text, column, problem, what):
    if not text:
        return None  # reported as a missing theme or objective
    value = parse_number(text.removesuffix(".0"))
    if not value:
        problem(column, f"“{text}” is not a {what} number (1, 2, 3...).")
        return None
    return value


def _split(text: str) -> list[str]:
    parts = [part.strip() for part in text.replace("\n", ";").split(";")]
    return list(dict.fromkeys(part for part in parts if part))


@dataclasses.dataclass
class Outcome:
    plan: Plan
    created: dict
    changed: dict

    @property
    def nothing_changed(self) -> bool:
        return not any(self.created.values()) and not any(self.changed.values())


@transaction.atomic
def apply(
    reading: Reading,
    *,
    financial_year: str,
    title: str,
    create_missing: bool,
    user,
    source: str = "",
) -> Outcome:
    """Write what `reading` holds into the plan for `financial_year`, all or nothing."""
    if not reading.is_valid:
        raise ValidationError(reading.errors or ["The file has no deliverables."])
    if (reading.new_owners or reading.new_groups) and not create_missing:
        raise ValidationError(
            "The file names owners or groups that do not exist yet: "
            + ", ".join(reading.new_owners + reading.new_groups)
            + ". Confirm that they should be created (--create-missing)."
        )
    reason = f"Imported from {source}" if source else "Imported"
    created = dict.fromkeys(["plan", "themes", "objectives", "deliverables", "owners", "groups"], 0)
    changed = dict.fromkeys(["plan", "themes", "objectives", "deliverables"], 0)
    plan = Plan.objects.filter(financial_year=financial_year).first()
    if plan is None:
        plan = plans.start_plan(
            financial_year=financial_year,
            title=title or "Strategy Implementation Plan",
            user=user,
        )
        created["plan"] = 1
    elif title and plan.title != title:
        plan.title = title
        recorded_save(plan, user, reason)
        changed["plan"] = 1
    owners = {o.code: o for o in Owner.objects.all()}
    for code in reading.new_owners:
        owners[code] = recorded_save(
            Owner(code=code, title=reading.owner_titles.get(code, ""), in_plan_key=False),
            user,
            reason,
        )
        created["owners"] += 1
    groups = {g.label: g for g in AssuranceGroup.objects.all()}
    for label in reading.new_groups:
        if _CODE_RE.match(label) and " " not in label:
            group = AssuranceGroup(code=label, name=reading.group_names.get(label, ""))
        else:
            group = AssuranceGroup(name=label)
        groups[label] = recorded_save(group, user, reason)
        created["groups"] += 1
    themes = {t.number: t for t in plan.themes.all()}
    for number, theme_title in sorted(reading.themes.items()):
        if number not in themes:
            themes[number] = recorded_save(
                Theme(plan=plan, number=number, title=theme_title), user, reason
            )
            created["themes"] += 1
    objectives = {o.number: o for o in plan.objectives.all()}
    for row in reading.rows:
        theme = themes.get(row.theme_number)
        if theme is None:
            theme = themes[row.theme_number] = recorded_save(
                Theme(plan=plan, number=row.theme_number, title=row.theme_title), user, reason
            )
            created["themes"] += 1
        elif theme.title != row.theme_title:
            theme.title = row.theme_title
            recorded_save(theme, user, reason)
            changed["themes"] += 1
        objective = objectives.get(row.objective_number)
        if objective is None:
            objective = objectives[row.objective_number] = recorded_save(
                Objective(
                    plan=plan, theme=theme, number=row.objective_number, title=row.objective_title
                ),
                user,
                reason,
            )
            created["objectives"] += 1
            _indicators(objective, reading.indicators.get(row.objective_number, []), user, reason)
        elif (objective.title, objective.theme_id) != (row.objective_title, theme.pk):
            objective.title, objective.theme = row.objective_title, theme
            recorded_save(objective, user, reason)
            changed["objectives"] += 1
        kind = _deliverable(objective, row, owners, groups, user, reason)
        if kind == "created":
            created["deliverables"] += 1
        elif kind == "changed":
            changed["deliverables"] += 1
    return Outcome(plan, created, changed)


def _deliverable(objective, row, owners, groups, user, reason) -> str:
    deliverable = Deliverable.objects.filter(
        objective=objective, number=row.deliverable_number
    ).first()
    kind = "unchanged"
    if deliverable is None:
        deliverable = Deliverable(objective=objective, number=row.deliverable_number)
        kind = "created"
    if (deliverable.description, deliverable.delivery) != (row.description, row.delivery):
        deliverable.description, deliverable.delivery = row.description, row.delivery
        recorded_save(deliverable, user, reason)
        kind = "changed" if kind == "unchanged" else kind
    wanted_owners = [owners[code] for code in row.owners]
    if [link.owner_id for link in deliverable.owner_links.all()] != [o.pk for o in wanted_owners]:
        deliverable.owner_links.all().delete()
        for position, owner in enumerate(wanted_owners, start=1):
            recorded_save(
                DeliverableOwner(deliverable=deliverable, owner=owner, position=position),
                user,
                reason,
            )
        kind = "changed" if kind == "unchanged" else kind
    wanted_groups = [groups[label] for label in row.groups]
    if [link.assurance_group_id for link in deliverable.group_links.all()] != [
        g.pk for g in wanted_groups
    ]:
        deliverable.group_links.all().delete()
        for position, group in enumerate(wanted_groups, start=1):
            recorded_save(
                DeliverableAssuranceGroup(
                    deliverable=deliverable, assurance_group=group, position=position
                ),
                user,
                reason,
            )
        kind = "changed" if kind == "unchanged" else kind
    return kind


def _indicators(objective, indicators, user, reason):
    for order, (perspective, text, incomplete) in enumerate(indicators, start=1):
        recorded_save(
            KeyIndicator(
                objective=objective,
                perspective=perspective,
                text=text,
                order=order,
                is_incomplete=incomplete,
            ),
            user,
            reason,
        )


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
WINDOWS = (
    [f"Q{n}" for n in range(1, 5)]
    + [f"Q{a}-{b}" for a in range(1, 5) for b in range(a + 1, 5)]
    + [f"From Q{n}" for n in range(1, 5)]
)


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
            "Develop and implement a plan for informatics support for the divisions",
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


TOKEN_SALT = "core.plan_import"
TOKEN_MAX_AGE = 60 * 60


def preview_token(reading: Reading, financial_year: str, title: str, source: str) -> str:
    """What the preview showed, signed, for the confirm step (no file is kept on the server)."""
    data = dataclasses.asdict(reading) | {"year": financial_year, "title": title, "source": source}
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def from_token(token: str):
    """(reading, year, title, source) from a preview; signing.BadSignature if it was changed or
    has expired. Owners and groups are looked up again: someone may have added them since."""
    data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    try:
        rows = [Row(**row) for row in data["rows"]]
        reading = Reading(
            kind=data["kind"],
            rows=rows,
            errors=list(data["errors"]),
            warnings=list(data["warnings"]),
            new_owners=[],
            new_groups=[],
            indicators={int(k): [tuple(i) for i in v] for k, v in data["indicators"].items()},
            themes={int(k): v for k, v in data["themes"].items()},
            owner_titles=data["owner_titles"],
            group_names=data["group_names"],
        )
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("not a plan preview") from None
    known_owners = set(Owner.objects.values_list("code", flat=True))
    known_groups = {g.label for g in AssuranceGroup.objects.all()}
    reading.new_owners = sorted({c for r in rows for c in r.owners} - known_owners)
    reading.new_groups = sorted({g for r in rows for g in r.groups} - known_groups)
    return reading, data["year"], data["title"], data["source"]
