"""The quarterly board report and group packs, as plain data.

`report_data` gathers everything the board report shows into JSON-ready dicts. The page, the
XLSX and the snapshot kept at close all read this one structure, so the report the Board saw
can be shown again exactly, whatever changes later.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from assurance.baf import register as baf
from assurance.models import (
    LEVEL_MEANINGS,
    AssuranceGroup,
    AssuranceReview,
    ChairReportItem,
    Level,
    ReviewAction,
)
from common import revision
from common.text import person
from deliverables.exports import links
from deliverables.models import Deliverable, StatusUpdate
from deliverables.positions import AWAITING, Position
from deliverables.presenters import PositionPresenter
from deliverables.status import MEANINGS, RATING_BASIS, Status
from objectives.models import KeyIndicator, Objective
from reporting import glance, indicators, rollups
from reporting.board_report import snapshots
from reporting.models import BoardPaperCover

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


def _review_histories(quarter, deliverables) -> dict[int, list[dict]]:
    """Each review's changes in the quarter, oldest first, by review id: what the group
    recorded and changed, by whom and when (kept in the report, so a frozen pack keeps it)."""
    records = (
        AssuranceReview.history.filter(quarter_id=quarter.pk, deliverable_id__in=deliverables)
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
        # Who answers for it (issue 28): each owner with its executive's name, where known.
        "accountable": found.accountable[d.pk],
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
    accountable: dict


def _found_for(deliverables, quarter) -> _Found:
    """What each deliverable of the report shows besides its position, by deliverable id, in
    a query each: at a hundred times the seed plan, prefetching the same onto model objects
    made some 90,000 of them and was most of the report's cost."""
    ids = deliverables.order_by().values("pk")
    updates = (
        StatusUpdate.objects.submitted().filter(quarter=quarter, deliverable__in=ids).with_people()
    )
    reviews = defaultdict(list)
    for review in (
        AssuranceReview.objects.filter(quarter=quarter, deliverable__in=ids)
        .select_related("assurance_group", "recorded_by")
        .iterator()
    ):
        reviews[review.deliverable_id].append(review)
    owners, accountable = _owners(deliverables)
    return _Found(
        updates={update.deliverable_id: update for update in updates},
        owners=owners,
        groups=links(
            deliverables,
            "group_links",
            "assurance_group_id",
            AssuranceGroup.label_sql("assurance_group__"),
        ),
        reviews=reviews,
        histories=_review_histories(quarter, ids),
        accountable=accountable,
    )


def _owners(deliverables) -> tuple[dict, dict]:
    """Each deliverable's owners' codes, and the same as "CDO (Dana Digital)": the executive
    who answers for it, by name where the owner has one (one query for both)."""
    found = links(
        deliverables,
        "owner_links",
        "owner__code",
        "owner__executive__first_name",
        "owner__executive__last_name",
        "owner__executive__username",
    )
    codes, named = defaultdict(list), defaultdict(list)
    for pk, rows in found.items():
        for code, first, last, username in rows:
            # No executive named: the columns are NULL, and the owner stands alone (it read
            # "CWIO (None None)" in the demo's reports).
            name = " ".join(part for part in (first, last) if part) or username
            codes[pk].append(code)
            named[pk].append(f"{code} ({name})" if name else code)
    return codes, named


def _deliverables(quarter, ids=None) -> dict[int, dict]:
    """The report's deliverables (`_deliverable`), or those of `ids`, by id, in the plan's
    order."""
    rows = (
        Deliverable.objects.in_plan(quarter.plan)
        .select_related("objective__theme")
        .with_status_in(quarter)
        .natural_order()
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    found = _found_for(rows, quarter)
    return {d.pk: _deliverable(d, found) for d in rows.iterator()}


def _natural(d: dict) -> tuple:
    """A report deliverable's place in the plan's order (Deliverable.natural_order)."""
    return d["theme"], d["objective"], int(d["reference"].rsplit(".", 1)[1])


def _updated(kept: dict, quarter, ids) -> dict:
    """The kept deliverables with those of `ids` read again (the others are shared, never
    changed), in the plan's order."""
    fresh = _deliverables(quarter, ids)
    merged = [d for pk, d in kept.items() if pk not in ids] + list(fresh.values())
    return {d["id"]: d for d in sorted(merged, key=_natural)}


def kept_deliverables(quarter) -> dict[int, dict]:
    """The report's deliverables for a live draft, kept by deliverable (common.revision): a
    status update saved reads that deliverable's part again, not the whole plan's."""
    return revision.kept_by_deliverable(
        "report-deliverables",
        [quarter.pk],
        lambda: _deliverables(quarter),
        lambda kept, ids: _updated(kept, quarter, ids),
        quarter_number=quarter.number,
    )


def _structure(plan, themes) -> list[dict]:
    """The plan's themes, each with its objectives and their key indicators, JSON-ready: kept
    under the objectives domain's revision (common.revision), as they depend on its models
    alone: at a hundred times the seed plan, reading them was half the draft's time after
    every status update."""
    return revision.remembered(
        "report-structure",
        [plan.pk],
        lambda: _read_structure(plan, themes),
        domain=revision.OBJECTIVES,
    )


def _read_structure(plan, themes) -> list[dict]:
    objectives = defaultdict(list)
    for o in Objective.objects.filter(plan=plan).prefetch_related(
        # Into a list: reading a prefetched relation through its manager makes a queryset
        # per objective.
        Prefetch(
            "key_indicators",
            queryset=KeyIndicator.objects.order_by("order"),
            to_attr="ordered_indicators",
        )
    ):
        objectives[o.theme_id].append(
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
            }
        )
    return [
        {"id": t.pk, "number": t.number, "title": t.title, "objectives": objectives[t.pk]}
        for t in themes
    ]


def report_data(quarter) -> dict:
    """Everything the board report for `quarter` shows, as JSON-ready data, its deliverables as
    kept (`kept_deliverables`). The record fixed at a close is read whole: closing changes the
    quarter, a change no kept value outlives (common.revision)."""
    plan = quarter.plan
    deliverables = list(kept_deliverables(quarter).values())
    kept = indicators.plan_measures(quarter)
    measures = indicators.measure_summaries(quarter, kept)
    measures_by_theme = indicators.by_theme(measures)
    plan_themes = list(plan.themes.all())
    theme_rows = rollups.by_theme(quarter, plan_themes)
    totals = rollups.totals(theme_rows, quarter)
    by_objective = {}
    for d in deliverables:
        by_objective.setdefault(d["objective"], []).append(d)
    numbers_by_theme = {row.filter_params["theme"]: row for row in theme_rows}
    themes = []
    for theme in _structure(plan, plan_themes):
        row = numbers_by_theme.get(theme["id"])
        themes.append(
            {
                "id": theme["id"],
                "number": theme["number"],
                "title": theme["title"],
                "numbers": row.numbers if row else {},
                "percent_complete": row.percent_complete if row else 0,
                "trend": row.trend if row else "",
                "measures": measures_by_theme.get(theme["number"], []),
                "objectives": [
                    {**o, "deliverables": by_objective.get(o["number"], [])}
                    for o in theme["objectives"]
                ],
            }
        )
    cover = BoardPaperCover.objects.filter(quarter=quarter).first()
    data = {
        "schema": snapshots.SCHEMA_VERSION,
        "cover": (cover or BoardPaperCover(quarter=quarter)).as_data(),
        "moved": _moved(deliverables),
        "headline": {
            "red": totals.numbers[f"status_{Status.RED}"],
            "amber": totals.numbers[f"status_{Status.AMBER}"],
        },
        "open_actions": ReviewAction.objects.open()
        .filter(deliverable__objective__plan=plan)
        .exclude(review__quarter__plan=plan, review__quarter__number__gt=quarter.number)
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
        "chair_reports": chair_reports(
            quarter,
            measures,
            levels={
                (review["group_id"], d["id"]): review["level_label"]
                for d in deliverables
                for review in d["reviews"]
            },
        ),
        # The Board Assurance Framework as it stands (issue 30): frozen at close with the rest.
        "baf": baf.as_data(baf.register(quarter, measures=kept), quarter),
    }
    # Counted from the data itself, so the report and its frozen copy agree (reporting.glance).
    data["assurance"] = glance.from_report(data)
    return data


def chair_reports(quarter, measures: list[dict], levels: dict) -> list[dict]:
    """Each group's chair's report for the quarter (Alert, Advise, Assure), with what each point
    cites: the deliverable and the group's level of it this quarter, the measure and its SPC
    reading. Groups in label order; groups with nothing to report are left out. `levels`:
    {(group id, deliverable id): level label} this quarter, where the caller has them."""
    items = (
        ChairReportItem.objects.filter(quarter=quarter)
        .select_related("assurance_group", "recorded_by")
        .prefetch_related("deliverables__objective", "measures")
        .order_by("kind_order", "id")
    )
    readings = {m["id"]: m for m in measures}
    reports: dict[int, dict] = {}
    for item in items:
        group = item.assurance_group
        report = reports.setdefault(
            group.pk,
            {
                "group_id": group.pk,
                "group": group.label,
                "name": group.name if group.name != group.label else "",
                "alert": [],
                "advise": [],
                "assure": [],
                "recorded_by": "",
                "recorded_at": "",
            },
        )
        when = timezone.localtime(item.recorded_at).isoformat()
        if when > report["recorded_at"]:
            report["recorded_at"], report["recorded_by"] = when, _person(item.recorded_by)
        report[item.kind].append(
            {
                "text": item.text,
                "deliverables": [
                    {
                        "id": d.pk,
                        "reference": d.reference,
                        "description": d.description,
                        "level_label": levels.get((group.pk, d.pk), ""),
                    }
                    for d in sorted(
                        item.deliverables.all(), key=lambda d: (d.objective.number, d.number)
                    )
                ],
                "measures": [
                    {
                        "id": m.pk,
                        "name": m.name,
                        "variation": readings.get(m.pk, {}).get("variation", ""),
                        "assurance": readings.get(m.pk, {}).get("assurance", ""),
                    }
                    for m in item.measures.all()
                ],
            }
        )
    return sorted(reports.values(), key=lambda r: r["group"].lower())


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
