"""The quarterly board report and group packs, as plain data.

`report_data` gathers everything the board report shows into JSON-ready dicts. The page, the
XLSX and the snapshot kept at close all read this one structure, so the report the Board saw
can be shown again exactly, whatever changes later.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from assurance.models import (
    LEVEL_MEANINGS,
    AssuranceGroup,
    AssuranceReview,
    Level,
    ReviewAction,
)
from common import revision
from common.text import person
from deliverables.exports import GROUP_LABEL, append_safe_row, links
from deliverables.models import Deliverable, StatusUpdate
from deliverables.positions import AWAITING, Position
from deliverables.presenters import PositionPresenter
from deliverables.status import MEANINGS, RATING_BASIS, Status
from objectives import charts
from objectives.models import KeyIndicator, Objective
from reporting import indicators, rollups, snapshots
from reporting.models import BoardPaperCover, BoardReport

EXCEPTIONS = (Status.RED, Status.AMBER)
# Committee levels that make a deliverable an exception whatever its status.
LOW_ASSURANCE = (Level.LIMITED, Level.NONE)


def exception_rank(d: dict) -> int | None:
    """Where a deliverable stands among the report's exceptions, most severe first: off track
    (Red), at risk (Amber), then Limited or No assurance from a committee; None if it is not
    one. (Report data, so a frozen report ranks what it holds.)"""
    if d["position"] == Position.UPDATED and d["status"] == Status.RED:
        return 0
    if d["position"] == Position.UPDATED and d["status"] == Status.AMBER:
        return 1
    if any(review["level"] in LOW_ASSURANCE for review in d["reviews"]):
        return 2
    return None


def _person(user) -> str:
    return person(user)


def _review_histories(quarter) -> dict[int, list[dict]]:
    """Each review's changes in the quarter, oldest first, by review id: what the group
    recorded and changed, by whom and when (kept in the report, so a frozen pack keeps it)."""
    records = (
        AssuranceReview.history.filter(quarter_id=quarter.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    histories: dict[int, list[dict]] = {}
    for record in records:
        histories.setdefault(record.id, []).append(
            {
                "when": timezone.localtime(record.history_date).isoformat(),
                "who": _person(record.history_user),
                "what": "recorded" if record.history_type == "+" else "changed",
                "level_label": record.get_level_display(),
                "reason": record.history_change_reason or "",
            }
        )
    return histories


def _deliverable(d, found) -> dict:
    """One deliverable of the report: `d` from `with_status_in`, the rest from `found`
    (`_found_for`): its update, owners, groups and reviews, looked up by id."""
    update = found.updates.get(d.pk)
    status = d.status_now
    return {
        "id": d.pk,
        "reference": d.reference,
        "theme": d.objective.theme.number,
        "objective": d.objective.number,
        "description": d.description,
        "delivery": d.delivery,
        "owners": found.owners[d.pk],
        "groups": [{"id": pk, "label": label} for pk, label in found.groups[d.pk]],
        "start_quarter": d.start_quarter,
        "end_quarter": d.end_quarter,
        "position": d.position,
        "due": bool(d.is_due),
        "overdue": bool(d.is_overdue),
        "status": status or "",
        "status_label": PositionPresenter.for_row(d).label,
        "previous_status": d.status_before or "",
        "trend": d.trend or "",
        "narrative": update.narrative if update else "",
        "reason_for_change": update.reason_for_change if update else "",
        "risks": update.risks if update else "",
        "next_steps": update.next_steps if update else "",
        "expected_date": update.expected_date.isoformat()
        if update and update.expected_date
        else "",
        "updated_by": _person(update.updated_by) if update else "",
        "updated_at": timezone.localtime(update.updated_at).isoformat() if update else "",
        "reviews": [
            {
                "group_id": r.assurance_group_id,
                "group": r.assurance_group.label,
                "level": r.level,
                "level_label": r.get_level_display(),
                "comments": r.comments,
                "actions_requested": r.actions_requested,
                "recorded_by": _person(r.recorded_by),
                "recorded_at": timezone.localtime(r.recorded_at).isoformat(),
                "history": found.histories.get(r.pk, []),
            }
            for r in found.reviews[d.pk]
        ],
    }


@dataclass
class _Found:
    updates: dict
    owners: dict
    groups: dict
    reviews: dict
    histories: dict


def _found_for(deliverables, quarter) -> _Found:
    """What each deliverable of the report shows besides its position, by deliverable id, in
    a query each: at a hundred times the seed plan, prefetching the same onto model objects
    made some 90,000 of them and was most of the report's cost."""
    updates = (
        StatusUpdate.objects.submitted()
        .filter(quarter=quarter, deliverable__in=deliverables.order_by().values("pk"))
        .with_people()
    )
    reviews = defaultdict(list)
    for review in (
        AssuranceReview.objects.filter(
            quarter=quarter, deliverable__in=deliverables.order_by().values("pk")
        )
        .select_related("assurance_group", "recorded_by")
        .iterator()
    ):
        reviews[review.deliverable_id].append(review)
    return _Found(
        updates={update.deliverable_id: update for update in updates},
        owners=links(deliverables, "owner_links", "owner__code"),
        groups=links(deliverables, "group_links", "assurance_group_id", GROUP_LABEL),
        reviews=reviews,
        histories=_review_histories(quarter),
    )


def report_data(quarter) -> dict:
    """Everything the board report for `quarter` shows, as JSON-ready data."""
    plan = quarter.plan
    rows = (
        Deliverable.objects.in_plan(plan)
        .select_related("objective__theme")
        .with_status_in(quarter)
        .natural_order()
    )
    found = _found_for(rows, quarter)
    deliverables = [_deliverable(d, found) for d in rows.iterator()]
    measures = indicators.measure_summaries(quarter)
    measures_by_theme = indicators.by_theme(measures)
    theme_rows = rollups.by_theme(quarter)
    totals = rollups.totals(theme_rows, quarter)
    objectives = Objective.objects.filter(plan=plan).prefetch_related(
        # Into a list: reading a prefetched relation through its manager makes a queryset
        # per objective, a tenth of the report's time at a hundred times the seed plan.
        Prefetch(
            "key_indicators",
            queryset=KeyIndicator.objects.order_by("order"),
            to_attr="ordered_indicators",
        )
    )
    by_objective = {}
    for d in deliverables:
        by_objective.setdefault(d["objective"], []).append(d)
    numbers_by_theme = {row.filter_params["theme"]: row for row in theme_rows}
    themes = []
    for theme in plan.themes.all():
        row = numbers_by_theme.get(theme.pk)
        themes.append(
            {
                "number": theme.number,
                "title": theme.title,
                "numbers": row.numbers if row else {},
                "percent_complete": row.percent_complete if row else 0,
                "trend": row.trend if row else "",
                "measures": measures_by_theme.get(theme.number, []),
                "objectives": [
                    {
                        "number": o.number,
                        "title": o.title,
                        "indicators": [
                            {
                                "perspective": k.get_perspective_display(),
                                "text": k.text,
                                "incomplete": k.is_incomplete,
                            }
                            for k in o.ordered_indicators
                        ],
                        "deliverables": by_objective.get(o.number, []),
                    }
                    for o in objectives
                    if o.theme_id == theme.pk
                ],
            }
        )
    cover = BoardPaperCover.objects.filter(quarter=quarter).first()
    return {
        "schema": snapshots.SCHEMA_VERSION,
        "cover": (cover or BoardPaperCover(quarter=quarter)).as_data(),
        "moved": _moved(deliverables),
        "headline": {
            "red": totals.numbers[f"status_{Status.RED}"],
            "amber": totals.numbers[f"status_{Status.AMBER}"],
        },
        "open_actions": ReviewAction.objects.open()
        .filter(review__quarter__plan=plan, review__quarter__number__lte=quarter.number)
        .count(),
        "plan": {"title": plan.title, "financial_year": plan.financial_year},
        # As they were named at the time: a closed quarter's pack keeps its group's name.
        "groups": [
            {"id": g.pk, "code": g.code, "name": g.name, "label": g.label}
            for g in AssuranceGroup.objects.filter(
                deliverable_links__deliverable__objective__plan=plan
            ).distinct()
        ],
        "quarter": {
            "number": quarter.number,
            "label": quarter.label,
            "short_label": quarter.short_label,
            "deadline": quarter.deadline.isoformat() if quarter.deadline else "",
        },
        "generated_at": timezone.localtime().isoformat(),
        "totals": {
            **totals.numbers,
            "percent_complete": totals.percent_complete,
            "trend": totals.trend,
        },
        "status_counts": [
            {"status": s, "label": Status(s).label, "count": totals.numbers[f"status_{s}"]}
            for s in rollups.BAR_ORDER
        ],
        "themes": themes,
        "deliverables": deliverables,
        # Most severe first; in plan order within each kind (the sort is stable).
        "exceptions": sorted(
            (d for d in deliverables if exception_rank(d) is not None), key=exception_rank
        ),
        # Green deliverables whose objective's measures show concern (reporting.indicators).
        "needs_a_look": indicators.needs_a_look(deliverables, measures),
        "measures": measures,
        "completed": [d for d in deliverables if d["position"] == Position.COMPLETE],
        "missing": [d for d in deliverables if d["position"] in AWAITING],
        "definitions": {
            "rating_basis": RATING_BASIS,
            "statuses": [{"label": Status(s).label, "meaning": MEANINGS[s]} for s in Status],
            "levels": [{"label": Level(lv).label, "meaning": LEVEL_MEANINGS[lv]} for lv in Level],
        },
    }


def _moved(deliverables) -> dict:
    """The deliverables whose rating rose or fell since last quarter, with both ratings."""
    moved = {"improved": [], "deteriorated": []}
    for d in deliverables:
        if d["trend"] in moved:
            moved[d["trend"]].append(
                {
                    "reference": d["reference"],
                    "description": d["description"],
                    "from": Status(d["previous_status"]).label,
                    "to": Status(d["status"]).label,
                }
            )
    return moved


class KeptReport:
    """A report's data with what pages derive from it (a committee's rows, the screens), each
    worked out once for as long as the data is kept in memory, not on every request: at a
    hundred times the seed plan, picking a committee's rows out of 6,300 cost a third of its
    pack's time."""

    def __init__(self, data: dict):
        self.data = data
        self._packs: dict[int, list[dict]] = {}

    def group_pack(self, group_id: int) -> list[dict]:
        if group_id not in self._packs:
            self._packs[group_id] = group_pack(self.data, group_id)
        return self._packs[group_id]

    def group(self, group_id: int, live) -> dict:
        """The group as the report names it (`label`, `name`): a frozen report's pack says what
        the group was called when the quarter closed, not after a rename (issue 25); `live`
        (the group now) where the report does not name it (it has none of its deliverables)."""
        for group in self.data["groups"]:
            if group["id"] == group_id:
                return group
        return {"id": group_id, "label": live.label, "name": live.name}

    @cached_property
    def screens(self) -> list[dict]:
        return screens(self.data)


@dataclass(frozen=True)
class QuarterReport:
    """The report of a quarter as a reader gets it: the data, and where it comes from."""

    quarter: object
    kept: KeptReport
    frozen: bool  # the snapshot stored when the quarter closed
    snapshot: BoardReport | None = None  # the current stored report, if the quarter ever closed

    @property
    def data(self) -> dict:
        return self.kept.data

    @property
    def reopened(self) -> bool:
        """Closed once (a report was fixed) and open again: the page shows a live draft."""
        return not self.frozen and self.snapshot is not None and self.quarter.is_open

    @property
    def fixed_at(self):
        return self.snapshot.created_at if self.snapshot else None


def report_for(quarter) -> QuarterReport:
    """The one way to read a quarter's board report: the snapshot fixed at close while the
    quarter is closed, otherwise a live draft (noting a report fixed at an earlier close).
    Both are kept in memory (ADR 15): a snapshot never changes, and a draft only with the
    plan's data."""
    snapshot = (
        BoardReport.objects.filter(quarter=quarter, superseded_at__isnull=True)
        .select_related("created_by")
        .defer("data")
        .first()
    )
    if quarter.is_closed and snapshot is not None:
        kept = revision.remembered(
            "board-report-snapshot",
            [snapshot.pk],
            lambda: KeptReport(
                snapshots.upgrade(
                    BoardReport.objects.values_list("data", flat=True).get(pk=snapshot.pk)
                )
            ),
            immutable=True,
        )
        return QuarterReport(quarter, kept, True, snapshot)
    kept = revision.remembered(
        "board-report-draft",
        [quarter.pk, timezone.localdate()],
        lambda: KeptReport(report_data(quarter)),
    )
    return QuarterReport(quarter, kept, False, snapshot)


# A screen of the board report shows at most this many deliverables (ADR 15). A larger plan's
# report is split: the summary first, its lists cut at LIST_LIMIT with how many more, then the
# deliverables by theme a screenful at a time. The PDF and Word versions always hold it all.
SCREEN_LIMIT = 250
LIST_LIMIT = 50
SUMMARY_LISTS = ("exceptions", "completed", "missing", "needs_a_look")


def screens(data: dict) -> list[dict]:
    """The report's data as the screens the page shows it in: one, unless it is large."""
    sizes = {name: len(data[name]) for name in SUMMARY_LISTS}
    if len(data["deliverables"]) <= SCREEN_LIMIT:
        return [data | {"sizes": sizes}]
    summary = data | {name: data[name][:LIST_LIMIT] for name in SUMMARY_LISTS}
    summary |= {
        "sizes": sizes,
        "moved": {trend: rows[:LIST_LIMIT] for trend, rows in data["moved"].items()},
        "themes": [],
        "cut": True,
    }
    pages, themes, count = [summary], [], 0
    for theme in data["themes"]:
        for objective in theme["objectives"]:
            size = len(objective["deliverables"])
            if count and count + size > SCREEN_LIMIT:
                pages.append(_detail_screen(data, themes))
                themes, count = [], 0
            if not themes or themes[-1]["number"] != theme["number"]:
                themes.append(theme | {"objectives": []})
            themes[-1]["objectives"].append(objective)
            count += size
    if themes:
        pages.append(_detail_screen(data, themes))
    return pages


def _detail_screen(data, themes) -> dict:
    return {key: data[key] for key in ("plan", "quarter", "definitions")} | {
        "themes": themes,
        "detail_only": True,
    }


def group_pack(data: dict, group_id: int) -> list[dict]:
    """The deliverables of one assurance group in a report's data, with only its reviews."""
    rows = []
    for d in data["deliverables"]:
        if any(g["id"] == group_id for g in d["groups"]):
            rows.append(d | {"reviews": [r for r in d["reviews"] if r["group_id"] == group_id]})
    return rows


def to_xlsx(data: dict) -> bytes:
    """The board report as a workbook: summary, every deliverable, exceptions."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    append_safe_row(summary, [f"{data['plan']['title']} {data['plan']['financial_year']}"])
    append_safe_row(summary, [f"Board report, {data['quarter']['label']}"])
    summary.append([])
    totals = data["totals"]
    for label, value in [
        ("Deliverables", totals["total"]),
        ("Due an update", totals["due"]),
        ("Updates missing", totals["missing"]),
        ("Overdue", totals["overdue"]),
        ("Complete to date (%)", totals["percent_complete"]),
        ("Since last quarter", totals["trend"]),
        ("Improved", totals["improved"]),
        ("Deteriorated", totals["deteriorated"]),
    ] + [(row["label"], row["count"]) for row in data["status_counts"]]:
        append_safe_row(summary, [label, value])
    summary["A1"].font = Font(bold=True, size=14)

    # The deliverable's full text on every sheet (a reader filters or prints one sheet alone),
    # and the committees' findings beside the owner's update.
    columns = [
        "reference",
        "description",
        "delivery",
        "status_label",
        "narrative",
        "reason_for_change",
        "risks",
        "next_steps",
        "expected_date",
        "owners",
        "assurance",
        "assurance_comments",
        "actions_requested",
        "updated_by",
    ]
    headings = [
        "Reference",
        "Deliverable",
        "Delivery window",
        "Status",
        "Progress",
        "Reason for change",
        "Risks and issues",
        "Next steps",
        "Expected date",
        "Owners",
        "Assurance",
        "Assurance comments",
        "Actions requested",
        "Updated by",
    ]

    def rows(sheet, items):
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for item in items:
            reviews = item["reviews"]
            values = item | {
                "owners": "; ".join(item["owners"]),
                "assurance": "; ".join(f"{r['group']}: {r['level_label']}" for r in reviews),
                "assurance_comments": "\n".join(
                    f"{r['group']}: {r['comments']}" for r in reviews if r["comments"]
                ),
                "actions_requested": "\n".join(
                    f"{r['group']}: {r['actions_requested']}"
                    for r in reviews
                    if r["actions_requested"]
                ),
            }
            append_safe_row(sheet, [values[c] for c in columns])
        sheet.freeze_panes = "A2"

    rows(workbook.create_sheet("Deliverables"), data["deliverables"])
    rows(workbook.create_sheet("Exceptions"), data["exceptions"])
    rows(workbook.create_sheet("Updates missing"), data["missing"])
    if data["measures"]:
        _measures_sheet(workbook.create_sheet("Key indicators"), data["measures"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _measures_sheet(sheet, measures):
    """Every measure with its reading in words, numbers as numbers (for a reader's own charts)."""
    sheet.append(
        [
            "Theme",
            "Objective",
            "Measure",
            "Unit",
            "Better",
            "Latest period",
            "Latest value",
            "Target",
            "Variation",
            "Assurance",
            "Needs a look because",
            "Indicator in the plan",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for m in measures:
        variation = charts.variation_icon(m["variation"])
        assurance = charts.assurance_icon(m["assurance"])
        append_safe_row(
            sheet,
            [
                m["theme"],
                m["objective"],
                m["name"],
                m["unit"],
                m["direction"],
                m["latest_period"],
                m["latest_value"],
                m["target"],
                variation.label if variation else "",
                assurance.label if assurance else "",
                "; ".join(m["concerns"]),
                m["description"],
            ],
        )
    sheet.freeze_panes = "A2"
