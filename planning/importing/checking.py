"""Checking a plan's rows: every problem named by row and column, before anything is written."""

import dataclasses
import re

from django.core.exceptions import ValidationError

from assurance.models import AssuranceGroup
from common.text import field_limit, shortened
from deliverables.exports import PLAN_COLUMNS
from deliverables.models import Owner
from objectives.models import Objective, Theme
from objectives.quarters import parse_delivery_window, parse_number

# The template's example row says so in its description, so it is never imported by accident.
EXAMPLE_MARK = "EXAMPLE, replace or delete this row:"

REQUIRED = [c for c in PLAN_COLUMNS if c not in ("start_quarter", "end_quarter")]


_REFERENCE_RE = re.compile(r"^(?P<objective>[0-9]{1,3})\.(?P<number>[0-9]{1,3})$")


# A new group written like a code (DHG, COOG) gets it as its code; anything else is a name.
CODE_RE = re.compile(r"^[A-Z][A-Za-z0-9&/-]{0,19}$")


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


def _limits() -> dict:
    """The columns whose text is stored in a bounded column, with its bound."""
    return {
        "theme_title": field_limit(Theme, "title"),
        "objective_title": field_limit(Objective, "title"),
    }


def check(kind, lines) -> Reading:
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
        if cell["description"].startswith(EXAMPLE_MARK):
            problem(
                "description",
                "this is the template's example row: replace it with your plan's own rows, or "
                "delete it.",
            )
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
