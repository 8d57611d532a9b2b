"""Assurance at a glance (issue 28): what the committees said of the quarter's deliverables, beside
what their owners reported.

The scope is the deliverables due an update in the quarter (the dashboard's bars). Counted by
committee, each deliverable counts once in each of its groups, at that group's level. Counted by
theme, in the totals and in the matrix, each deliverable counts once, at its *lowest* level this
quarter: where two committees differ, the Board is shown the less assured view. "Not yet
reviewed" means no committee of the deliverable recorded a level this quarter. The filtered list
applies the same rules (`level_condition`), so every number leads to exactly its deliverables.

An assurance gap is a deliverable whose delivery status and assurance disagree: reported On track
(Green) or Complete while a committee gives Limited or No assurance, or Off track (Red) while its
committees give Substantial assurance.

`glance(rows, ...)` works on plain rows, so the dashboard (from the database, `for_quarter`) and
the board report (from its frozen data, `from_report`) count by the one rule.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from assurance.models import AssuranceReview, Level
from deliverables.positions import AWAITING
from deliverables.status import Status

UNREVIEWED = "unreviewed"
COLUMNS = [Level.SUBSTANTIAL, Level.REASONABLE, Level.LIMITED, Level.NONE, UNREVIEWED]
LABELS = {**{level.value: level.label for level in Level}, UNREVIEWED: "Not yet reviewed"}
# Worst first: a deliverable's level is the first of these any of its committees gave.
WORST_FIRST = [Level.NONE, Level.LIMITED, Level.REASONABLE, Level.SUBSTANTIAL]
LOW = (Level.LIMITED, Level.NONE)
ON_TRACK = (Status.GREEN, Status.COMPLETE)
NO_UPDATE = "missing"
# The matrix's rows, as the status bars order them; rows of a status nobody has are left out,
# except the four a board always reads.
MATRIX_ROWS = [
    Status.COMPLETE,
    Status.GREEN,
    Status.AMBER,
    Status.RED,
    Status.NOT_STARTED,
    Status.DEFERRED,
    Status.CLOSED,
    NO_UPDATE,
]
ALWAYS_SHOWN = (Status.COMPLETE, Status.GREEN, Status.AMBER, Status.RED)
# The dashboard lists this many gaps, then links to the list of them all: a glance, where a
# plan of thousands of deliverables can have hundreds. The board report lists every one.
GAPS_ON_DASHBOARD = 10


def lowest(levels) -> str:
    """The least assured of `levels` (the committees' levels of one deliverable), or
    UNREVIEWED when there are none."""
    given = set(levels)
    return next((level.value for level in WORST_FIRST if level in given), UNREVIEWED)


def gap_kind(status: str, level: str) -> str:
    """Why a status and a level disagree ("" when they do not)."""
    if status in ON_TRACK and level in LOW:
        return "not_assured"
    if status == Status.RED and level == Level.SUBSTANTIAL:
        return "assured_off_track"
    return ""


GAP_TEXT = {
    "not_assured": "Reported on track, but the committee is not assured",
    "assured_off_track": "Reported off track, yet the committee gives substantial assurance",
}


def _counts() -> dict:
    return {str(key): 0 for key in COLUMNS}


class Tally:
    """The glance's counts and gaps, added up a deliverable at a time, so that one can be taken
    away and put back when it changes (the dashboard's kept glance, `for_quarter`)."""

    def __init__(self):
        self.totals, self.by_group, self.by_theme = _counts(), defaultdict(_counts), {}
        self.matrix = {row: _counts() for row in MATRIX_ROWS}
        self.gaps: dict[int, dict] = {}

    def copy(self) -> "Tally":
        tally = Tally()
        tally.totals = dict(self.totals)
        tally.by_group = defaultdict(_counts, {k: dict(v) for k, v in self.by_group.items()})
        tally.by_theme = {k: dict(v) for k, v in self.by_theme.items()}
        tally.matrix = {k: dict(v) for k, v in self.matrix.items()}
        tally.gaps = dict(self.gaps)
        return tally

    def add(self, row: dict, groups: dict, sign: int = 1) -> None:
        """Count one deliverable (`glance`'s row), or with `sign` -1 take it away."""
        if not row["due"]:
            return
        levels = row["levels"]
        for group_id in row["groups"]:
            self.by_group[group_id][levels.get(group_id, UNREVIEWED)] += sign
        level = lowest(levels.values())
        self.totals[level] += sign
        self.by_theme.setdefault(row["theme"], _counts())[level] += sign
        status = NO_UPDATE if row["position"] in AWAITING or not row["status"] else row["status"]
        self.matrix.setdefault(status, _counts())[level] += sign
        kind = gap_kind(status, level)
        if kind and sign < 0:
            del self.gaps[row["id"]]
        elif kind:
            self.gaps[row["id"]] = {
                "id": row["id"],
                "reference": row["reference"],
                "description": row["description"],
                "owners": row["owners"],
                "status": status,
                "status_label": row_label(status),
                "level": level,
                "level_label": LABELS[level],
                "kind": kind,
                "why": GAP_TEXT[kind],
                "reviews": [
                    {"group": groups.get(pk, ""), "level_label": LABELS[levels[pk]]}
                    for pk in row["groups"]
                    if pk in levels
                ],
            }

    def result(self, groups, themes) -> dict:
        """The glance, JSON-ready (see `glance`). A group or theme is listed when it has a
        deliverable due (counts taken back to nothing are as if never added)."""
        return {
            "columns": [{"key": str(key), "label": LABELS[key]} for key in COLUMNS],
            "totals": self.totals,
            "reviewed": sum(self.totals.values()) - self.totals[UNREVIEWED],
            "by_group": [
                {"id": pk, "label": label, "counts": self.by_group[pk]}
                for pk, label in sorted(groups.items(), key=lambda item: item[1].lower())
                if any(self.by_group.get(pk, {}).values())
            ],
            "by_theme": [
                {"id": pk, "number": number, "title": title, "counts": self.by_theme[number]}
                for pk, number, title in themes
                if any(self.by_theme.get(number, {}).values())
            ],
            "matrix": [
                {
                    "status": str(status),
                    "label": row_label(status),
                    "counts": self.matrix[status],
                    "gaps": {key: bool(gap_kind(status, key)) for key in self.matrix[status]},
                }
                for status in MATRIX_ROWS
                if status in ALWAYS_SHOWN or any(self.matrix[status].values())
            ],
            "gaps": list(self.gaps.values()),
        }


def glance(rows, groups, themes) -> dict:
    """The counts and the gaps, JSON-ready. `rows`: one dict per deliverable of the plan with
    `id`, `reference`, `description`, `owners`, `theme` (number), `due`, `status` ("" when it has
    none), `position`, `groups` (ids, in the plan's order) and `levels` ({group id: level} this
    quarter). `groups`: {id: label}; `themes`: [(id, number, title)] in the plan's order. Gaps
    in the order of `rows`."""
    tally = Tally()
    for row in rows:
        tally.add(row, groups)
    return tally.result(groups, themes)


def row_label(status: str) -> str:
    """A matrix row's name: the status's, or that no update came."""
    return "No update yet" if status == NO_UPDATE else Status(status).label


def for_quarter(quarter) -> dict:
    """The glance for `quarter`, live from the database: counted on the roll-ups' rows, group
    links, owners and committee levels (reporting.rollups: kept, and brought up to date for a
    deliverable when its update or review changes), with no query of its own. Worked out once
    for each state of those rows and kept with them; after a change, the tally kept before is
    taken on, with the changed deliverables taken away as they were and counted as they are.
    Gaps in the plan's order."""
    from reporting import rollups

    kept = rollups.kept_rows(quarter)
    if "glance" not in kept.derived:
        labels = rollups.links_of(quarter, "assurance_group", kept=kept)[1]
        as_counted = _as_counted(quarter, kept)
        since = kept.since
        if since is not None and since.levels is not None and "glance-tally" in since.derived:
            tally = since.derived["glance-tally"].copy()
            for row in since.rows:
                tally.add(as_counted(row, since.levels), labels, -1)
            for row in kept.rows:
                if row["pk"] in since.ids:
                    tally.add(as_counted(row), labels)
        else:
            tally = Tally()
            for row in kept.rows:
                tally.add(as_counted(row), labels)
        # By reference (a changed gap was counted again last).
        tally.gaps = dict(sorted(tally.gaps.items(), key=lambda item: _by_reference(item[1])))
        kept.derived["glance-tally"] = tally
        kept.derived["glance"] = tally.result(labels, _themes(kept))
        kept.since = None  # taken on: what it held is no longer needed
    return kept.derived["glance"]


def _as_counted(quarter, kept):
    """A function giving a kept roll-up row as the glance counts it (with `levels`, the
    committee levels it had, for taking it away; by default, those kept now). The links and
    levels are looked up once, not for every row."""
    from reporting import rollups

    groups_of = rollups.links_of(quarter, "assurance_group", kept=kept)[0]
    owners_of, codes = rollups.links_of(quarter, "owner", kept=kept)
    kept_levels = rollups.levels_of(quarter, kept)

    def as_counted(row, levels=None) -> dict:
        levels = kept_levels if levels is None else levels
        return {
            "id": row["pk"],
            "reference": f"{row['objective__number']}.{row['number']}",
            "description": row["description"],
            "owners": [codes[pk] for pk in owners_of.get(row["pk"], ())],
            "theme": row["objective__theme__number"],
            "due": bool(row["is_due"]),
            "status": row["status_now"] or "",
            "position": row["position"],
            "groups": groups_of.get(row["pk"], []),
            "levels": levels.get(row["pk"], {}),
        }

    return as_counted


def _by_reference(gap: dict) -> list[int]:
    return [int(part) for part in gap["reference"].split(".")]


def _themes(kept) -> list[tuple]:
    """The plan's themes that have deliverables, as (id, number, title), in order."""
    return sorted(
        {
            (
                row["objective__theme"],
                row["objective__theme__number"],
                row["objective__theme__title"],
            )
            for row in kept.rows
        },
        key=lambda theme: theme[1],
    )


def from_report(data: dict) -> dict:
    """The glance from a board report's data (its deliverables, with their reviews), so a frozen
    report counts what it holds."""
    rows = [
        {
            "id": d["id"],
            "reference": d["reference"],
            "description": d["description"],
            "owners": d["owners"],
            "theme": d["theme"],
            "due": d["due"],
            "status": d["status"],
            "position": d["position"],
            "groups": [group["id"] for group in d["groups"]],
            "levels": {review["group_id"]: review["level"] for review in d["reviews"]},
        }
        for d in data["deliverables"]
    ]
    labels = {group["id"]: group["label"] for group in data["groups"]}
    themes = [(theme.get("id"), theme["number"], theme["title"]) for theme in data["themes"]]
    return glance(rows, labels, themes)


def level_condition(quarter, level: str, group=None) -> Q:
    """Deliverables at `level` in `quarter`, as the glance counts them: by `group`'s own review
    when a group is given, else by their lowest level (UNREVIEWED: no review at all)."""
    reviews = AssuranceReview.objects.filter(deliverable=OuterRef("pk"), quarter=quarter)
    if group is not None:
        reviews = reviews.filter(assurance_group=group)
    if level == UNREVIEWED:
        return ~Exists(reviews)
    worse = WORST_FIRST[: WORST_FIRST.index(level)]
    condition = Exists(reviews.filter(level=level))
    if worse and group is None:
        condition &= ~Exists(reviews.filter(level__in=worse))
    return condition


def gap_condition(quarter) -> Q:
    """The assurance gaps of `quarter` as a filter on `with_status_in(quarter)`: `gap_kind`'s
    rule, read in SQL with each deliverable's lowest level as `level_condition` reads it, so
    the list behind the dashboard's "All N assurance gaps" holds exactly the glance's N."""
    not_assured = level_condition(quarter, Level.LIMITED) | level_condition(quarter, Level.NONE)
    assured = level_condition(quarter, Level.SUBSTANTIAL)
    return Q(is_due=True) & (
        (Q(status_now__in=ON_TRACK) & not_assured) | (Q(status_now=Status.RED) & assured)
    )
