"""The board report's frozen data as a versioned record (issue 26).

A closed quarter's report is kept as the data it was made from, for ever; the code that reads
it changes. Each snapshot carries the `schema` version of its shape, and `upgrade` brings any
older shape to the current one when it is read, one step a version, so every page, PDF, Word
and XLSX reader is written for one shape only. Nothing stored is rewritten: the upgrade is of
the copy read. `tests/reporting/frozen_reports/` holds a real snapshot of every version, made by the
release that wrote it, and the tests render each of them as page, PDF, Word and XLSX.

The versions:
1. The first frozen reports (before versions were written).
2. Each deliverable's `position` and window (`start_quarter`, `end_quarter`).
3. The cover sheet (`cover`), headline figures (`headline`), what moved (`moved`) and the
   count of open committee actions (`open_actions`).
4. Key indicators (`measures`, each theme's `measures`) and `needs_a_look`.
5. The groups as named when the quarter closed (`groups`), and `schema` itself.
6. Assurance at a glance (`assurance`), the committees' chair's reports (`chair_reports`),
   each theme's `id`, each deliverable's `accountable` owners, and the cover's `trust`,
   `session`, `key_messages` and `previously_considered_by` (issue 28).
7. The Board Assurance Framework as it stood (`baf`: its risks, scores, controls, assurances,
   gaps and heat map; issue 30).
"""

from django.core.exceptions import ValidationError

from deliverables.positions import FROM_STATUS, Position
from deliverables.status import Status
from objectives.quarters import parse_delivery_window

SCHEMA_VERSION = 7


def version_of(data: dict) -> int:
    """The snapshot's version: written since version 5, recognised by its keys before."""
    if "schema" in data:
        return data["schema"]
    if "measures" in data:
        return 4
    if "cover" in data:
        return 3
    if data["deliverables"] and "position" in data["deliverables"][0]:
        return 2
    return 1


def upgrade(data: dict) -> dict:
    """`data` in the current shape (a new dict; `data` itself is not changed)."""
    version = version_of(data)
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"This report was written by a newer release (schema {version}); this one reads "
            f"up to {SCHEMA_VERSION}."
        )
    data = dict(data)
    while version < SCHEMA_VERSION:
        data = _STEPS[version](data)
        version += 1
    data["schema"] = SCHEMA_VERSION
    return data


def _deliverable_lists(data):
    """Every list of deliverables in the data (they are copies of the same rows)."""
    yield data["deliverables"]
    for name in ("exceptions", "completed", "missing", "needs_a_look"):
        yield data.get(name, [])
    for theme in data["themes"]:
        for objective in theme["objectives"]:
            yield objective["deliverables"]


def _to_2(data):
    """Positions from what the first reports held: the quarter's status, due and overdue."""
    completed = {d["id"] for d in data.get("completed", [])}

    def position(d):
        if d["status"]:
            return FROM_STATUS.get(d["status"], Position.UPDATED)
        if d["overdue"]:
            return Position.OVERDUE
        if d["due"]:
            return Position.MISSING
        return Position.COMPLETED_EARLIER if d["id"] in completed else Position.NOT_IN_WINDOW

    def window(d):
        try:
            found = parse_delivery_window(d["delivery"])
        except ValidationError:  # an old label the parser no longer takes
            return None, None
        return found.start, found.end

    lists = []
    for rows in _deliverable_lists(data):
        upgraded = []
        for d in rows:
            start, end = window(d)
            upgraded.append(
                d | {"position": str(position(d)), "start_quarter": start, "end_quarter": end}
            )
        lists.append(upgraded)
    return _replace_lists(data, lists)


def _to_3(data):
    plan, quarter, totals = data["plan"], data["quarter"], data["totals"]
    moved = {"improved": [], "deteriorated": []}
    for d in data["deliverables"]:
        if d.get("trend") in moved and d["previous_status"] and d["status"]:
            moved[d["trend"]].append(
                {
                    "reference": d["reference"],
                    "description": d["description"],
                    "from": Status(d["previous_status"]).label,
                    "to": Status(d["status"]).label,
                }
            )
    return data | {
        "cover": _blank_cover(plan, quarter),
        "headline": {"red": totals["status_red"], "amber": totals["status_amber"]},
        "moved": moved,
        # Not recorded then: the pages say nothing rather than a count nobody took.
        "open_actions": None,
    }


def _to_4(data):
    themes = [theme | {"measures": theme.get("measures", [])} for theme in data["themes"]]
    return data | {"measures": [], "needs_a_look": [], "themes": themes}


def _to_5(data):
    """The groups by the labels on their deliverables: the names were not kept."""
    groups = {}
    for d in data["deliverables"]:
        for group in d["groups"]:
            groups.setdefault(group["id"], group["label"])
    return data | {
        "groups": [
            {"id": pk, "code": "", "name": "", "label": label} for pk, label in groups.items()
        ]
    }


def _to_6(data):
    """The glance counted from the deliverables the report holds (their reviews were kept);
    no chair's reports then; the cover's new fields as not recorded (the pages show nothing
    for them, not "To be confirmed", which would claim they were asked for)."""
    from reporting import glance

    lists = [
        [d | {"accountable": d.get("accountable", d["owners"])} for d in rows]
        for rows in _deliverable_lists(data)
    ]
    data = _replace_lists(data, lists)
    themes = [{"id": None} | theme for theme in data["themes"]]
    cover = {
        "trust": "",
        "session": "",
        "key_messages": "",
        "previously_considered_by": "",
    } | data["cover"]
    data = data | {"themes": themes, "cover": cover, "chair_reports": []}
    return data | {"assurance": glance.from_report(data)}


def _to_7(data):
    """No BAF was kept then: the pages say nothing of one, rather than show today's."""
    return data | {"baf": None}


_STEPS = {1: _to_2, 2: _to_3, 3: _to_4, 4: _to_5, 5: _to_6, 6: _to_7}


def _replace_lists(data, lists):
    lists = iter(lists)
    data = data | {"deliverables": next(lists)}
    for name in ("exceptions", "completed", "missing", "needs_a_look"):
        if name in data:
            data[name] = next(lists)
        else:
            next(lists)
    themes = []
    for theme in data["themes"]:
        objectives = [o | {"deliverables": next(lists)} for o in theme["objectives"]]
        themes.append(theme | {"objectives": objectives})
    return data | {"themes": themes}


def _blank_cover(plan: dict, quarter: dict) -> dict:
    """The cover sheet of a report frozen before covers existed: the defaults a new cover has."""
    from reporting.models import DEFAULT_RECOMMENDATION, BoardPaperCover

    return {
        "meeting": "",
        "meeting_date": "",
        "agenda_item": "",
        "report_title": BoardPaperCover.default_title(
            plan["title"], quarter["short_label"], plan["financial_year"]
        ),
        "executive_sponsor": "",
        "author": "",
        "purpose": BoardPaperCover.Purpose.ASSURANCE.label,
        "recommendation": DEFAULT_RECOMMENDATION,
        "strategic_risks": "",
        "implications": "",
    }
