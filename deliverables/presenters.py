"""What the deliverable pages show, shaped for templates (no queries in templates)."""

from dataclasses import dataclass, field

from common.fragments import render_kept
from common.text import person
from deliverables.models import Deliverable, StatusUpdate
from deliverables.positions import OWED, Position
from deliverables.status import MEANINGS, TAG_CLASSES, Status


@dataclass(frozen=True)
class PositionPresenter:
    """How a position is shown: its label, NHS.UK tag colour and sentence, in one place.

    Built from a row annotated by `with_status_in` (`for_row`), from report data (`for_data`),
    or from the parts. A position with an update shows the update's status (its BRAG label and
    colour); one without shows what is owed, or why nothing is.
    """

    position: str
    status: str | None = None
    overdue: bool = False
    start_quarter: int | None = None
    end_quarter: int | None = None

    TAGS = {
        Position.NOT_IN_WINDOW: "nhsuk-tag--white",
        Position.NOT_OPEN: "nhsuk-tag--grey",
        Position.MISSING: "nhsuk-tag--red",
        Position.OVERDUE: "nhsuk-tag--red",
        Position.COMPLETED_EARLIER: "nhsuk-tag--blue",
        Position.CLOSED_EARLIER: "nhsuk-tag--white",
    }

    @classmethod
    def for_row(cls, deliverable, suffix: str = ""):
        """From `with_status_in` annotations, or `with_positions` ones with suffix "_q2"."""
        if suffix:
            position = getattr(deliverable, f"position{suffix}")
            status = getattr(deliverable, f"status{suffix}")
        else:
            position, status = deliverable.position, deliverable.status_now
        return cls(
            position,
            status,
            overdue=bool(getattr(deliverable, "is_overdue", False)) and not suffix,
            start_quarter=deliverable.start_quarter,
            end_quarter=deliverable.end_quarter,
        )

    @classmethod
    def for_data(cls, item: dict):
        """From one deliverable of report data (`reporting.board_report.data.report_data`)."""
        return cls(
            item["position"],
            item["status"] or None,
            overdue=item["overdue"],
            start_quarter=item["start_quarter"],
            end_quarter=item["end_quarter"],
        )

    @property
    def shows_status(self) -> bool:
        return bool(self.status) and self.position in SHOWN_AS_STATUS

    @property
    def label(self) -> str:
        if self.shows_status:
            return Status(self.status).label
        return Position(self.position).label

    @property
    def tag_class(self) -> str:
        if self.shows_status:
            return TAG_CLASSES[self.status]
        return self.TAGS[self.position]

    @property
    def css(self) -> str:
        """The RAG grid's cell colour."""
        return f"uhb-grid--{self.status if self.shows_status else self.position}"

    @property
    def sentence(self) -> str:
        if self.shows_status:
            return MEANINGS[self.status]
        return {
            Position.NOT_IN_WINDOW: f"Its delivery window starts in Q{self.start_quarter}.",
            Position.NOT_OPEN: "The quarter is not open for updates yet.",
            Position.MISSING: "An update is due this quarter and has not been given.",
            Position.OVERDUE: (
                f"Past the end of its delivery window (Q{self.end_quarter}) and not complete; "
                "this quarter's update has not been given."
            ),
            Position.COMPLETED_EARLIER: "Completed in an earlier quarter: no update needed.",
            Position.CLOSED_EARLIER: "Closed in an earlier quarter: no update needed.",
        }[self.position]

    @property
    def overdue_label(self) -> str:
        """A second tag for a deliverable past its window that has an update (the position
        itself says so when the update is missing)."""
        if self.overdue and self.position != Position.OVERDUE:
            return f"Overdue: window ended Q{self.end_quarter}"
        return ""


# Positions whose update's status is what the page shows.
SHOWN_AS_STATUS = (Position.UPDATED, Position.COMPLETE, Position.DEFERRED, Position.CLOSED)


@dataclass
class QuarterCell:
    """One quarter of a deliverable's timeline."""

    quarter: object
    update: StatusUpdate | None
    position: PositionPresenter
    access: object = None  # the quarter's WriteAccess, when this person may write the update

    @property
    def can_edit(self) -> bool:
        return self.access is not None

    @property
    def is_correction(self) -> bool:
        return self.can_edit and self.access.correction


def timeline(deliverable: Deliverable, user, editable: bool) -> list[QuarterCell]:
    """Q1–Q4 of the deliverable's plan: each quarter's update, or why there is none; `editable`:
    whether `user` may write its updates."""
    quarters = list(deliverable.objective.plan.quarters.all())
    updates = {u.quarter_id: u for u in deliverable.updates.submitted().with_people()}
    annotated = Deliverable.objects.with_positions(quarters).get(pk=deliverable.pk)
    cells = []
    for quarter in quarters:
        position = PositionPresenter.for_row(annotated, f"_q{quarter.number}")
        access = quarter.write_access(user)
        writable = editable and position.position in OWED and access.allowed
        cells.append(
            QuarterCell(quarter, updates.get(quarter.pk), position, access if writable else None)
        )
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
            who=person(user, "System"),
            what=describe(record),
            changes=changes,
            reason=record.history_change_reason or "",
        )


def _linked_histories(deliverable, may_write: bool):
    """The history of every kind of row that points at this deliverable (its owner links,
    updates, and whatever higher apps attach to it), found through the relations themselves, so
    this app lists them without naming the apps that add them. Yields (records, describe).
    A model with `history_for_readers` narrows its records for people who cannot write it."""
    for relation in Deliverable._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or not hasattr(model, "history"):
            continue
        # The row's other links (the owner, the group, the quarter), fetched with the records.
        others = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.name != relation.field.name
        ]
        records = model.history.filter(**{relation.field.attname: deliverable.pk})
        if not may_write and hasattr(model, "history_for_readers"):
            records = model.history_for_readers(records)
        yield records.select_related("history_user", *others), _describer(model, others)


def _describer(model, others):
    verbs = {"+": "added", "~": "changed", "-": "removed"}
    if hasattr(model, "history_description"):
        return model.history_description
    name = model._meta.verbose_name.capitalize()
    return lambda record: f"{name} {getattr(record, others[0])} {verbs[record.history_type]}"


def history(deliverable: Deliverable, may_write: bool) -> list[HistoryEntry]:
    """Every recorded change to the deliverable and to every row attached to it that its reader
    may read (all of it for someone who `may_write` its updates), newest first."""
    verbs = {"+": "added", "~": "changed", "-": "removed"}
    entries = list(
        _entries(
            Deliverable.history.filter(id=deliverable.pk).select_related("history_user"),
            lambda r: f"Deliverable {verbs[r.history_type]}",
        )
    )
    for records, describe in _linked_histories(deliverable, may_write):
        entries += _entries(records, describe)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def rag_grid_cells(deliverable, quarters) -> list[PositionPresenter]:
    """Q1–Q4 cells of one row of the RAG grid (rows annotated by `with_positions`)."""
    return [PositionPresenter.for_row(deliverable, f"_q{q.number}") for q in quarters]


@dataclass
class RagGridRow:
    deliverable: Deliverable
    cells: list[PositionPresenter]
    html: str = ""  # the row, after the theme and objective headings it starts


@dataclass
class RagGrid:
    """A page of the RAG grid: its rows and the themes on it (the page's map)."""

    rows: list[RagGridRow]
    themes: list


def rag_grid(deliverables, quarters) -> RagGrid:
    """The RAG grid's page of `deliverables` (annotated by `with_positions`, in natural order).

    Each row is rendered, or kept from before where it shows exactly what it showed then: its
    reference, words and window, each quarter's position and status (all a cell's label and
    colour come from) and the headings above it. The page's template only joins them: at a
    hundred times the seed plan, with 200 rows a page, looking each row up in the template
    (`{% cache %}`, and the headings' `{% ifchanged %}`) was most of the page's time (issue 32).
    """
    rows, items, themes = [], [], []
    objective = None
    for deliverable in deliverables:
        row = RagGridRow(deliverable, rag_grid_cells(deliverable, quarters))
        starts_objective = objective is None or deliverable.objective_id != objective.pk
        starts_theme = objective is None or deliverable.objective.theme_id != objective.theme_id
        objective = deliverable.objective
        theme = objective.theme if starts_theme else None
        if theme:
            themes.append(theme)
        context = {
            "deliverable": deliverable,
            "cells": row.cells,
            "columns": len(quarters) + 1,
            "theme": theme,
            "objective": objective if starts_objective else None,
            "first": not rows,
        }
        shows = [
            deliverable.pk,
            deliverable.reference,
            deliverable.description,
            deliverable.delivery,
            [(cell.position, cell.status) for cell in row.cells],
            context["columns"],
            context["first"],
            theme and (theme.number, str(theme)),
            starts_objective and (objective.number, objective.title),
        ]
        rows.append(row)
        items.append((shows, context))
    for row, html in zip(
        rows, render_kept("deliverables/includes/rag_grid_row.html", items), strict=True
    ):
        row.html = html
    return RagGrid(rows, themes)
