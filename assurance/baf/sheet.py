"""The BAF as a spreadsheet, out and in (issue 30): one row a principal risk, in the columns
trusts keep their BAF in, with controls, assurances and gap actions one per line of a cell and
links given by deliverable references. An export imports back without loss, and importing an
unchanged export changes nothing.

Reading checks every row and says what is wrong with each, by row and column; nothing is
written while any row has an error (the plan import's discipline). The current score, its
rationale and the gaps are written out for reading only: scores are recorded by the risk owner
each quarter, and gaps are raised by the rules from the evidence.

Cell formats, one item a line:
- Controls: `3.2 | Effective` (a deliverable), or `Policy: <name> | <owner> | Effective`.
- Assurances: `Review: 3.2 | DHG` (the committee is optional), `Measure: <name> | line 2`,
  `Audit: <title> | 2026-08-01 | Limited`, `External: <by> | <title> | 2026-08-01 | Reasonable`.
- Gap actions: `<gap key> | deliverable: 4.1 | action: … | owner: … | due: 2027-03-31 |
  decision: …`, each part optional after the key.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import Prefetch

from assurance.baf.models import (
    Appetite,
    AppetiteCategory,
    Effectiveness,
    GapNote,
    PrincipalRisk,
    RiskAssurance,
    RiskControl,
)
from assurance.baf.register import PREFETCH, register
from assurance.models import AssuranceGroup, Level
from common import spreadsheets
from common.history import recorded_save
from deliverables.models import Deliverable, Owner
from objectives.models import Measure, Objective

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000

SCORE_FIELDS = [
    ("Initial likelihood", "initial_likelihood"),
    ("Initial consequence", "initial_consequence"),
    ("Target likelihood", "target_likelihood"),
    ("Target consequence", "target_consequence"),
    ("Tolerable likelihood", "tolerance_likelihood"),
    ("Tolerable consequence", "tolerance_consequence"),
]
TEXT_FIELDS = [("Title", "title"), ("Cause", "cause"), ("Event", "event"), ("Effect", "effect")]
COLUMNS = [
    "Risk",
    *(name for name, _ in TEXT_FIELDS),
    "Objectives",
    "Owner",
    "Lead committee",
    "Appetite category",
    "Appetite level",
    *(name for name, _ in SCORE_FIELDS),
    "Rationale",
    "Controls",
    "Assurances",
    "Gap actions",
    "Illustrative",
    # For reading only: the quarter's score (the owner's) and the gaps (the rules').
    "Current score",
    "Current rationale",
    "Open gaps",
]
READ_ONLY = ("Current score", "Current rationale", "Open gaps")


class BafFileError(ValueError):
    """The file as a whole cannot be read."""


# Writing


def rows(plan, quarter) -> list[list]:
    """The plan's BAF as rows of cells (the header first), with the quarter's scores and gaps."""
    states = {s.risk.pk: s for s in register(quarter)} if quarter else {}
    risks = (
        PrincipalRisk.objects.in_plan(plan)
        .select_related("owner", "lead_committee")
        .prefetch_related(
            *PREFETCH,
            Prefetch("controls", RiskControl.objects.select_related("deliverable__objective")),
        )
        .order_by("number")
    )
    table = [COLUMNS]
    for risk in risks:
        state = states.get(risk.pk)
        table.append(
            [
                risk.reference,
                *(getattr(risk, attr) for _, attr in TEXT_FIELDS),
                "; ".join(str(o.number) for o in sorted(risk.objectives.all(), key=_number)),
                risk.owner.code,
                risk.lead_committee.label,
                risk.get_appetite_category_display(),
                risk.get_appetite_level_display(),
                *(getattr(risk, attr) for _, attr in SCORE_FIELDS),
                risk.rationale,
                "\n".join(_control_line(c) for c in risk.controls.all()),
                "\n".join(_assurance_line(a) for a in risk.assurances.all()),
                "\n".join(_note_line(n) for n in sorted(risk.gap_notes.all(), key=_key)),
                "yes" if risk.illustrative else "",
                state.current.label if state else "",
                state.current.rationale if state else "",
                "\n".join(f"{g.gap.key}: {g.gap.source}" for g in state.open_gaps) if state else "",
            ]
        )
    return table


def _number(objective):
    return objective.number


def _key(note):
    return note.key


def _control_line(control) -> str:
    if control.deliverable_id:
        return f"{control.deliverable.reference} | {control.get_effectiveness_display()}"
    return f"Policy: {control.name} | {control.owner} | {control.get_effectiveness_display()}"


def _assurance_line(a) -> str:
    kind = RiskAssurance.Kind
    if a.kind == kind.REVIEW:
        group = f" | {a.assurance_group.label}" if a.assurance_group_id else ""
        return f"Review: {a.deliverable.reference}{group}"
    if a.kind == kind.MEASURE:
        return f"Measure: {a.measure.name} | line {a.line}"
    opinion = a.get_opinion_display()
    if a.kind == kind.AUDIT:
        return f"Audit: {a.title} | {a.date:%Y-%m-%d} | {opinion}"
    return f"External: {a.body} | {a.title} | {a.date:%Y-%m-%d} | {opinion}"


def _note_line(note) -> str:
    parts = [note.key]
    if note.action_deliverable_id:
        parts.append(f"deliverable: {note.action_deliverable.reference}")
    if note.action:
        parts.append(f"action: {note.action}")
    if note.action_owner:
        parts.append(f"owner: {note.action_owner}")
    if note.action_due:
        parts.append(f"due: {note.action_due:%Y-%m-%d}")
    if note.decision:
        parts.append(f"decision: {note.decision}")
    return " | ".join(" ".join(part.split()) for part in parts)


def to_xlsx(table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "BAF"
    for row in table:
        sheet.append([spreadsheets.formula_safe(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def to_csv(table) -> str:
    output = io.StringIO()
    writer = csv.writer(output)
    for row in table:
        writer.writerow(["" if c is None else spreadsheets.formula_safe(c) for c in row])
    return output.getvalue()


# Reading


@dataclass
class RiskRow:
    line: int
    number: int
    fields: dict
    objectives: list
    controls: list  # (deliverable id or None, name, owner, effectiveness)
    assurances: list  # dicts of RiskAssurance fields
    notes: list  # dicts of GapNote fields


@dataclass
class Reading:
    plan: object
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def read(name: str, data: bytes, plan) -> Reading:
    """Read and check a BAF file against `plan`; nothing is written."""
    return check(read_table(name, data), plan)


class _Lookups:
    def __init__(self, plan):
        self.objectives = {o.number: o for o in Objective.objects.filter(plan=plan)}
        self.owners = {o.code.lower(): o for o in Owner.objects.all()}
        self.groups = {g.label.lower(): g for g in AssuranceGroup.objects.all()}
        self.deliverables = {
            d.reference: d for d in Deliverable.objects.in_plan(plan).select_related("objective")
        }
        self.measures = {}
        for measure in Measure.objects.in_plan(plan):
            self.measures.setdefault(measure.name.lower(), []).append(measure)


def _choice(text, choices) -> str | None:
    wanted = " ".join(str(text).split()).lower()
    for value, label in choices:
        if wanted in (str(value).lower(), str(label).lower()):
            return value
    return None


def check(table, plan) -> Reading:
    reading = Reading(plan)
    table = [(n, cells) for n, cells in table if any(str(c).strip() for c in cells)]
    if not table:
        reading.errors.append("The file is empty: export the BAF for its columns.")
        return reading
    header_line, header = table[0]
    index = {" ".join(h.split()).lower(): i for i, h in enumerate(header) if h}
    missing = [c for c in COLUMNS if c not in READ_ONLY and c.lower() not in index]
    if missing:
        reading.errors.append(
            f"Row {header_line}: the header has no column {', '.join(missing)}. Export the BAF "
            "for the columns it needs."
        )
        return reading
    lookups = _Lookups(plan)
    numbers = set()
    for line, cells in table[1:]:

        def cell(name, cells=cells):
            i = index[name.lower()]
            return str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""

        problems = []

        def problem(column, message, problems=problems, line=line):
            problems.append(f"Row {line}, {column}: {message}")

        row = _check_row(cell, problem, lookups, plan, numbers)
        if problems:
            reading.errors.extend(problems)
        elif row is not None:
            row.line = line
            reading.rows.append(row)
    return reading


def _int(text, column, problem, low=1, high=5):
    text = text.removesuffix(".0")
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        problem(column, f"give a whole number from {low} to {high}, not “{text}”.")
        return None
    return int(text)


def _date(text, column, problem):
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        problem(column, f"give the date as YYYY-MM-DD, not “{text}”.")
        return None


def _check_row(cell, problem, lookups, plan, numbers):
    reference = cell("Risk")
    number_text = reference.upper().removeprefix("BAF").strip()
    number = _int(number_text, "Risk", problem, 1, 999) if number_text else None
    if not reference:
        problem("Risk", "give the risk's reference, for example BAF 1.")
    elif number in numbers:
        problem("Risk", f"BAF {number} is in the file twice.")
    numbers.add(number)
    fields = {attr: cell(name) for name, attr in TEXT_FIELDS}
    if not fields["title"]:
        problem("Title", "give the risk's title.")
    for name, attr in SCORE_FIELDS:
        fields[attr] = _int(cell(name), name, problem)
    fields["rationale"] = cell("Rationale")
    fields["illustrative"] = cell("Illustrative").lower() in ("yes", "y", "true", "1")
    owner = lookups.owners.get(cell("Owner").lower())
    if owner is None:
        problem("Owner", f"no executive owner has the code “{cell('Owner')}”.")
    fields["owner"] = owner
    group = lookups.groups.get(cell("Lead committee").lower())
    if group is None:
        problem("Lead committee", f"no committee is called “{cell('Lead committee')}”.")
    fields["lead_committee"] = group
    for name, attr, choices in (
        ("Appetite category", "appetite_category", AppetiteCategory.choices),
        ("Appetite level", "appetite_level", Appetite.choices),
    ):
        fields[attr] = _choice(cell(name), choices)
        if fields[attr] is None:
            labels = ", ".join(label for _, label in choices)
            problem(name, f"“{cell(name)}” is not one of {labels}.")
    objectives = []
    for part in filter(None, (p.strip() for p in cell("Objectives").replace(",", ";").split(";"))):
        found = lookups.objectives.get(int(part)) if part.isascii() and part.isdigit() else None
        if found is None:
            problem("Objectives", f"the plan has no objective “{part}”.")
        else:
            objectives.append(found)
    controls = [_control(text, problem, lookups) for text in _lines(cell("Controls"))]
    assurances = [_assurance(text, problem, lookups) for text in _lines(cell("Assurances"))]
    notes = [_note(text, problem, lookups) for text in _lines(cell("Gap actions"))]
    return RiskRow(0, number, fields, objectives, controls, assurances, notes)


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parts(text):
    return [part.strip() for part in text.split("|")]


def _effectiveness(text, problem):
    value = _choice(text, Effectiveness.choices)
    if value is None:
        labels = ", ".join(label for _, label in Effectiveness.choices)
        problem("Controls", f"“{text}” is not one of {labels}.")
    return value


def _control(text, problem, lookups):
    parts = _parts(text)
    if parts[0].lower().startswith("policy:"):
        if len(parts) != 3:
            problem("Controls", f"“{text}”: write Policy: <name> | <owner> | <effectiveness>.")
            return None
        name = parts[0].split(":", 1)[1].strip()
        return (None, name, parts[1], _effectiveness(parts[2], problem))
    if len(parts) != 2:
        problem("Controls", f"“{text}”: write <deliverable reference> | <effectiveness>.")
        return None
    deliverable = lookups.deliverables.get(parts[0])
    if deliverable is None:
        problem("Controls", f"the plan has no deliverable {parts[0]}.")
        return None
    return (deliverable.pk, "", "", _effectiveness(parts[1], problem))


def _level(text, column, problem):
    value = _choice(text, Level.choices)
    if value is None:
        problem(column, f"“{text}” is not one of Substantial, Reasonable, Limited, No assurance.")
    return value


def _assurance(text, problem, lookups):
    kind, _, rest = text.partition(":")
    kind, parts = kind.strip().lower(), _parts(rest)
    k = RiskAssurance.Kind
    if kind == "review" and 1 <= len(parts) <= 2:
        deliverable = lookups.deliverables.get(parts[0])
        group = lookups.groups.get(parts[1].lower()) if len(parts) == 2 else None
        if deliverable is None:
            problem("Assurances", f"the plan has no deliverable {parts[0]}.")
        if len(parts) == 2 and group is None:
            problem("Assurances", f"no committee is called “{parts[1]}”.")
        return {
            "kind": k.REVIEW,
            "line": 2,
            "deliverable": deliverable,
            "assurance_group": group,
        }
    if kind == "measure" and len(parts) == 2:
        found = lookups.measures.get(parts[0].lower(), [])
        line = parts[1].lower().removeprefix("line").strip()
        if len(found) != 1:
            problem(
                "Assurances",
                f"the plan has {'no' if not found else 'more than one'} "
                f"key indicator measure called “{parts[0]}”.",
            )
        if line not in ("1", "2"):
            problem("Assurances", f"“{parts[1]}”: a key indicator is line 1 or line 2.")
        return {
            "kind": k.MEASURE,
            "line": int(line) if line in ("1", "2") else 1,
            "measure": found[0] if len(found) == 1 else None,
        }
    if kind == "audit" and len(parts) == 3:
        return {
            "kind": k.AUDIT,
            "line": 3,
            "title": parts[0],
            "date": _date(parts[1], "Assurances", problem),
            "opinion": _level(parts[2], "Assurances", problem),
        }
    if kind == "external" and len(parts) == 4:
        return {
            "kind": k.EXTERNAL,
            "line": 3,
            "body": parts[0],
            "title": parts[1],
            "date": _date(parts[2], "Assurances", problem),
            "opinion": _level(parts[3], "Assurances", problem),
        }
    problem(
        "Assurances",
        f"“{text}”: write Review: <reference> | <committee>, Measure: <name> | line 2, "
        "Audit: <title> | <date> | <opinion> or External: <by> | <title> | <date> | <opinion>.",
    )
    return None


NOTE_PARTS = {"deliverable", "action", "owner", "due", "decision"}


def _note(text, problem, lookups):
    parts = _parts(text)
    note = {"key": parts[0]}
    for part in parts[1:]:
        name, _, value = part.partition(":")
        name = name.strip().lower()
        if name not in NOTE_PARTS:
            problem(
                "Gap actions",
                f"“{part}”: each part after the gap's key is deliverable:, "
                "action:, owner:, due: or decision:.",
            )
            continue
        note[name] = value.strip()
    if "deliverable" in note:
        found = lookups.deliverables.get(note["deliverable"])
        if found is None:
            problem("Gap actions", f"the plan has no deliverable {note['deliverable']}.")
        note["deliverable"] = found
    if "due" in note:
        note["due"] = _date(note["due"], "Gap actions", problem)
    if note.get("action") and not (note.get("owner") and note.get("due")):
        problem("Gap actions", f"“{text}”: an action needs its owner: and due: date.")
    return note


# What would change, and applying it


def _risk_fields(risk) -> dict:
    return {
        **{attr: getattr(risk, attr) for _, attr in TEXT_FIELDS},
        **{attr: getattr(risk, attr) for _, attr in SCORE_FIELDS},
        "rationale": risk.rationale,
        "illustrative": risk.illustrative,
        "owner": risk.owner,
        "lead_committee": risk.lead_committee,
        "appetite_category": risk.appetite_category,
        "appetite_level": risk.appetite_level,
    }


def _controls_of(risk):
    return [(c.deliverable_id, c.name, c.owner, c.effectiveness) for c in risk.controls.all()]


ASSURANCE_FIELDS = (
    "kind",
    "line",
    "deliverable",
    "assurance_group",
    "measure",
    "title",
    "body",
    "date",
    "opinion",
)


def _assurance_tuple(values: dict) -> tuple:
    return tuple(values.get(name) or None for name in ASSURANCE_FIELDS)


def _assurances_of(risk):
    return [
        _assurance_tuple({name: getattr(a, name) for name in ASSURANCE_FIELDS})
        for a in risk.assurances.all()
    ]


def _note_tuple(note: dict) -> tuple:
    return tuple(
        note.get(name) or None
        for name in ("key", "deliverable", "action", "owner", "due", "decision")
    )


def _notes_of(risk):
    return sorted(
        _note_tuple(
            {
                "key": n.key,
                "deliverable": n.action_deliverable,
                "action": n.action,
                "owner": n.action_owner,
                "due": n.action_due,
                "decision": n.decision,
            }
        )
        for n in risk.gap_notes.all()
    )


def changes(reading: Reading) -> list[str]:
    """What importing would change, a line each; empty when nothing would."""
    existing = {r.number: r for r in PrincipalRisk.objects.in_plan(reading.plan)}
    found = []
    for row in reading.rows:
        risk = existing.get(row.number)
        if risk is None:
            found.append(f"BAF {row.number}: new risk “{row.fields['title']}”.")
            continue
        before = _risk_fields(risk)
        changed = [name for name, value in row.fields.items() if before[name] != value]
        if sorted(o.pk for o in risk.objectives.all()) != sorted(o.pk for o in row.objectives):
            changed.append("objectives")
        if _controls_of(risk) != row.controls:
            changed.append("controls")
        if _assurances_of(risk) != [_assurance_tuple(a) for a in row.assurances]:
            changed.append("assurances")
        if _notes_of(risk) != sorted(_note_tuple(n) for n in row.notes):
            changed.append("gap actions")
        if changed:
            labels = ", ".join(name.replace("_", " ") for name in changed)
            found.append(f"BAF {row.number}: {labels} would change.")
    return found


@transaction.atomic
def apply(reading: Reading, user) -> list[str]:
    """Write what `changes` lists, in one transaction, each write in history; the list of
    changes made."""
    if not reading.is_valid:
        raise ValueError("A file with errors is never imported.")
    made = changes(reading)
    reason = "Imported from a BAF spreadsheet"
    for row in reading.rows:
        risk = PrincipalRisk.objects.filter(plan=reading.plan, number=row.number).first()
        risk = risk or PrincipalRisk(plan=reading.plan, number=row.number)
        for name, value in row.fields.items():
            setattr(risk, name, value)
        risk.full_clean(exclude=["objectives"])
        recorded_save(risk, user, reason)
        if sorted(o.pk for o in risk.objectives.all()) != sorted(o.pk for o in row.objectives):
            risk.objectives.set(row.objectives)
        if _controls_of(risk) != row.controls:
            risk.controls.all().delete()
            for position, (deliverable_id, name, owner, effectiveness) in enumerate(
                row.controls, start=1
            ):
                control = RiskControl(
                    risk=risk,
                    deliverable_id=deliverable_id,
                    name=name,
                    owner=owner,
                    effectiveness=effectiveness,
                    position=position,
                )
                control.full_clean()
                recorded_save(control, user, reason)
        if _assurances_of(risk) != [_assurance_tuple(a) for a in row.assurances]:
            risk.assurances.all().delete()
            for position, values in enumerate(row.assurances, start=1):
                assurance = RiskAssurance(risk=risk, position=position, **values)
                assurance.full_clean()
                recorded_save(assurance, user, reason)
        if _notes_of(risk) != sorted(_note_tuple(n) for n in row.notes):
            _apply_notes(risk, row.notes, user, reason)
    return made


def _apply_notes(risk, notes, user, reason):
    wanted = {n["key"]: n for n in notes}
    for note in risk.gap_notes.all():
        if note.key not in wanted:
            note._history_user = user
            note.delete()
    for key, values in wanted.items():
        note = GapNote.objects.filter(risk=risk, key=key).first() or GapNote(risk=risk, key=key)
        note.action_deliverable = values.get("deliverable")
        note.action = values.get("action", "")
        note.action_owner = values.get("owner", "")
        note.action_due = values.get("due")
        decision = values.get("decision", "")
        if decision != note.decision:
            note.decided_by = user if decision else None
            note.decided_at = datetime.datetime.now(datetime.UTC) if decision else None
        note.decision = decision
        note.full_clean()
        recorded_save(note, user, reason)


# The preview's token: the file's cells, signed, from the preview to the confirm step.

TOKEN_SALT = "assurance.baf.import"
TOKEN_MAX_AGE = 60 * 60


def token_for(table, plan) -> str:
    return signing.dumps({"plan": plan.pk, "table": table}, salt=TOKEN_SALT, compress=True)


def from_token(token: str):
    """(table, plan id); signing.BadSignature if the token was changed or has expired."""
    data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    return data["table"], data["plan"]


def read_table(name: str, data: bytes) -> list:
    """The file's rows, for the token (what `read` checks)."""
    if len(data) > MAX_BYTES:
        raise BafFileError("The file is larger than 2 MB: a BAF fits in far less.")
    try:
        if name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
            found = spreadsheets.xlsx_rows(data, max_rows=MAX_ROWS, max_columns=len(COLUMNS) + 5)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise BafFileError("The file is not text in UTF-8: save it as CSV UTF-8.") from None
            found = spreadsheets.csv_rows(text, max_rows=MAX_ROWS)
        return [(n, ["" if c is None else _cell_text(c) for c in cells]) for n, cells in found]
    except spreadsheets.UnreadableFile as error:
        raise BafFileError(str(error)) from None


def _cell_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
