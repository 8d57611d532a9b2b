"""Key indicators beside the deliverables: the per-theme summary of measures, and "needs a
look" where a deliverable's rating and its objective's measures disagree.

A deliverable reported On track (Green) whose objective has a measure in special-cause concern,
or consistently failing its target, is worth a question at the Board: both facts are shown side
by side. Report data (JSON-ready dicts), so the board report's frozen snapshot keeps them.
"""

from common import revision
from deliverables.positions import Position
from deliverables.status import Status
from objectives.models import Measure


def plan_measures(quarter) -> list:
    """Every measure in the quarter's plan with its values, in plan order: two queries, however
    many values there are (the summaries and the BAF's readings share them). Kept in memory
    under the objectives domain's revision, with each one's SPC readings as they are worked out
    (`Measure.analysis`): they depend on the objectives app's models alone, so a status update
    saved does not make the next dashboard analyse ten years of values again (issue 32)."""
    return revision.remembered(
        "plan-measures",
        [quarter.plan_id],
        lambda: list(Measure.objects.in_plan(quarter.plan).with_values()),
        domain=revision.OBJECTIVES,
    )


def measure_summaries(quarter, measures=None) -> list[dict]:
    """Every measure in the quarter's plan (`measures`, from `plan_measures`, where the caller
    has them) as it stood at the quarter's end, in plan order. Kept under the objectives
    domain's revision, as the measures are (never change them: every reader shares them)."""
    return revision.remembered(
        "measure-summaries",
        [quarter.pk],
        lambda: [m.summary(until=quarter.end) for m in (measures or plan_measures(quarter))],
        domain=revision.OBJECTIVES,
    )


def by_theme(summaries: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for summary in summaries:
        grouped.setdefault(summary["theme"], []).append(summary)
    return grouped


def needs_a_look(deliverables, summaries: list[dict]) -> list[dict]:
    """Green deliverables whose objective has a measure with a concern, each with those measures.
    `deliverables`: report dicts (reference, description, objective, status, position...)."""
    concerning: dict[int, list[dict]] = {}
    for summary in summaries:
        if summary["concerns"]:
            concerning.setdefault(summary["objective"], []).append(summary)
    return [
        {**d, "measures": concerning[d["objective"]]}
        for d in deliverables
        if d["position"] == Position.UPDATED
        and d["status"] == Status.GREEN
        and d["objective"] in concerning
    ]


def dashboard_needs_a_look(quarter, summaries: list[dict]) -> list[dict]:
    """`needs_a_look` for the dashboard, which has no report dicts: from the quarter's rows
    kept for the roll-ups (reporting.rollups), with no query of its own."""
    from reporting import rollups

    objectives = {s["objective"] for s in summaries if s["concerns"]}
    rows = sorted(
        (row for row in rollups.kept_rows(quarter).rows if row["objective__number"] in objectives),
        key=rollups.plan_order,
    )
    deliverables = [
        {
            "id": row["pk"],
            "reference": f"{row['objective__number']}.{row['number']}",
            "description": row["description"],
            "objective": row["objective__number"],
            "status": row["status_now"],
            "position": row["position"],
        }
        for row in rows
    ]
    return needs_a_look(deliverables, summaries)
