"""What the deliverable pages show, shaped for templates (no queries in templates)."""

from dataclasses import dataclass, field

from deliverables.models import (
    Deliverable,
    DeliverableAssuranceGroup,
    DeliverableOwner,
    StatusUpdate,
)
from deliverables.status import Status


def quarter_state(deliverable, quarter, *, has_update: bool, due: bool) -> str:
    """Where a deliverable stands in a quarter, for the timeline and the RAG grid alike."""
    if has_update:
        return "done"
    if quarter.number < deliverable.start_quarter:
        return "outside"
    if not due:
        return "finished"
    if quarter.state == quarter.State.UPCOMING:
        return "not_open"
    return "overdue" if deliverable.is_overdue_in(quarter) else "missing"


@dataclass
class QuarterCell:
    """One quarter of a deliverable's timeline."""

    quarter: object
    update: StatusUpdate | None
    state: str  # done, missing, overdue, not_due, outside, finished, not_open
    can_edit: bool = False

    LABELS = {
        "done": "Updated",
        "missing": "Update missing",
        "overdue": "Overdue: update missing",
        "not_due": "Not due yet",
        "outside": "Outside the delivery window",
        "finished": "No update needed: completed or closed earlier",
        "not_open": "Quarter not open yet",
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.state]


def timeline(deliverable: Deliverable, user) -> list[QuarterCell]:
    """Q1–Q4 of the deliverable's plan: each quarter's update, or why there is none."""
    plan = deliverable.objective.plan
    updates = {u.quarter_id: u for u in deliverable.updates.with_people()}
    editable = Deliverable.objects.editable_by(user).filter(pk=deliverable.pk).exists()
    cells = []
    for quarter in plan.quarters.all():
        update = updates.get(quarter.pk)
        needed = deliverable.needs_update_in(quarter)
        state = quarter_state(deliverable, quarter, has_update=bool(update), due=needed)
        can_edit = editable and needed and quarter.is_open
        cells.append(QuarterCell(quarter, update, state, can_edit))
    return cells


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    reason: str = ""


def _display(record, field_name):
    value = getattr(record, field_name)
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value) or "—"
    if value in (None, ""):
        return "—"
    return str(value)


def _entries(records, describe):
    """History records (newest first) as entries with what changed from the record before."""
    records = list(records)
    by_object: dict = {}
    for record in reversed(records):  # oldest first, so each knows its predecessor
        previous = by_object.get(record.id)
        by_object[record.id] = record
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = record.instance_type._meta.get_field(change.field).verbose_name
                changes.append(
                    (
                        label.capitalize(),
                        _display(previous, change.field),
                        _display(record, change.field),
                    )
                )
            if not changes:
                continue
        user = record.history_user
        yield HistoryEntry(
            when=record.history_date,
            who=(user.get_full_name() or user.get_username()) if user else "System",
            what=describe(record),
            changes=changes,
            reason=record.history_change_reason or "",
        )


def history(deliverable: Deliverable) -> list[HistoryEntry]:
    """Every recorded change to the deliverable, its links and its updates, newest first."""
    verbs = {"+": "added", "~": "changed", "-": "removed"}
    updates = StatusUpdate.history.filter(deliverable_id=deliverable.pk).select_related(
        "history_user", "quarter"
    )
    entries = list(
        _entries(
            updates,
            lambda r: (
                f"Q{r.quarter.number} update {'created' if r.history_type == '+' else 'changed'}"
            ),
        )
    )
    entries += _entries(
        Deliverable.history.filter(id=deliverable.pk).select_related("history_user"),
        lambda r: f"Deliverable {verbs[r.history_type]}",
    )
    entries += _entries(
        DeliverableOwner.history.filter(deliverable_id=deliverable.pk).select_related(
            "history_user", "owner"
        ),
        lambda r: f"Owner {r.owner.code} {verbs[r.history_type]}",
    )
    entries += _entries(
        DeliverableAssuranceGroup.history.filter(deliverable_id=deliverable.pk).select_related(
            "history_user", "assurance_group"
        ),
        lambda r: f"Assurance group {r.assurance_group.label} {verbs[r.history_type]}",
    )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


GRID_LABELS = {
    "outside": "Outside window",
    "finished": "Finished earlier",
    "not_open": "Not open yet",
    "missing": "Update missing",
    "overdue": "Overdue: update missing",
}


@dataclass
class GridCell:
    number: int
    status: str | None  # a Status value, when there is an update
    state: str  # "done" or one of GRID_LABELS

    @property
    def label(self) -> str:
        if self.status:
            return dict(Status.choices)[self.status]
        return GRID_LABELS[self.state]

    @property
    def css(self) -> str:
        return f"uhb-grid--{self.status or self.state}"


def rag_grid_cells(deliverable, quarters) -> list[GridCell]:
    """Q1–Q4 cells of one row of the RAG grid (rows annotated by `with_grid`)."""
    cells = []
    for quarter in quarters:
        status = getattr(deliverable, f"status_q{quarter.number}")
        due = getattr(deliverable, f"due_q{quarter.number}")
        state = quarter_state(deliverable, quarter, has_update=bool(status), due=due)
        cells.append(GridCell(quarter.number, status, state))
    return cells
