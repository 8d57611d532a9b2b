"""Roll-ups of deliverables' positions in a quarter, by theme, owner or assurance group.

Counts add up `with_status_in`'s position and flags for each deliverable (one query a
quarter), so they follow the same rules as the filtered list each number links to.
"""

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import get_script_prefix, get_urlconf, reverse

from assurance.models import (
    AssuranceGroup,
    AssuranceReview,
    DeliverableAssuranceGroup,
    ReviewAction,
)
from common import revision
from deliverables.models import Deliverable, DeliverableOwner, Owner
from deliverables.positions import AWAITING, Position
from deliverables.status import MEANINGS, Status

# The order of a stacked bar: best news to worst, then the ones outside the BRAG scale.
BAR_ORDER = [
    Status.COMPLETE,
    Status.GREEN,
    Status.AMBER,
    Status.RED,
    Status.NOT_STARTED,
    Status.DEFERRED,
    Status.CLOSED,
]
MISSING = "missing"
BAR_CLASSES = {**{status: f"uhb-bar--{status}" for status in Status}, MISSING: "uhb-bar--missing"}
# The one colour table of every status bar: the dashboard's, the report page's, its PDF's
# (issue 26: Closed was one grey on the dashboard and another in the report). Written as SVG
# attributes, which the PDF renderer reads (it ignores CSS on SVG shapes) and the content
# security policy allows. On screen Amber is also hatched (a pattern in base.html), so it is
# not told by colour alone; "missing" is white with a dashed red outline (CSS).
BAR_FILLS = {
    Status.COMPLETE: "#005eb8",
    Status.GREEN: "#007f3b",
    Status.AMBER: "#ffb81c",
    Status.RED: "#d5281b",
    Status.NOT_STARTED: "#4c6272",
    Status.DEFERRED: "#330072",
    Status.CLOSED: "#aeb7bd",
    MISSING: "#ffffff",
}
HATCHED = {Status.AMBER: "url(#uhb-pattern-amber)"}


def bar_fill(key, hatched: bool = False) -> str:
    """The fill of `key`'s bar segment (its hatching first, on screen)."""
    colour = BAR_FILLS.get(key, BAR_FILLS[Status.CLOSED])
    return f"{HATCHED[key]} {colour}" if hatched and key in HATCHED else colour


TRENDS = ("improved", "sustained", "deteriorated")
COUNT_KEYS = ["total", "due", MISSING, "overdue", "completed", *TRENDS] + [
    f"status_{status}" for status in Status
]


def _count(numbers: dict, row: dict, sign: int = 1) -> None:
    """Add one deliverable (a row of `_rows`) to a roll-up's numbers (or, with `sign` -1, take
    it away: a kept roll-up brought up to date). Every test here reads a flag the database
    worked out by the one rule (`with_status_in`); this only adds up."""
    numbers["total"] += sign
    if row["is_due"]:
        numbers["due"] += sign
        if row["status_now"]:
            numbers[f"status_{row['status_now']}"] += sign
    numbers[MISSING] += sign * (row["position"] in AWAITING)
    numbers["overdue"] += sign * bool(row["is_overdue"])
    numbers["completed"] += sign * bool(row["is_complete"])
    if row["trend"]:
        numbers[row["trend"]] += sign


@dataclass
class Segment:
    key: str
    label: str
    count: int
    percent: float
    css: str
    # The number's filter: its link is worked out only when a bar is rendered, not for the
    # bars a page finds already rendered (the "fragments" cache).
    metric: dict
    row: "RollupRow" = field(repr=False)
    offset: float = 0.0  # where the segment starts, in percent of the bar

    @property
    def url(self) -> str:
        return self.row.url(**self.metric)

    @property
    def middle(self) -> float:
        return self.offset + self.percent / 2

    @property
    def fill(self) -> str:
        return bar_fill(self.key, hatched=True)


@dataclass(repr=False)
class RollupRow:
    label: str
    title: str
    filter_params: dict
    numbers: dict
    quarter: object
    segments: list[Segment] = field(default_factory=list)

    @property
    def percent_complete(self) -> int:
        total = self.numbers["total"]
        return round(100 * self.numbers["completed"] / total) if total else 0

    @property
    def completed_earlier(self) -> int:
        """Complete in an earlier quarter: counted in "complete to date", but no longer due, so
        not in the bar (whose Complete part is this quarter's)."""
        return self.numbers["completed"] - self.numbers[f"status_{Status.COMPLETE}"]

    @property
    def trend(self) -> str:
        improved, deteriorated = self.numbers["improved"], self.numbers["deteriorated"]
        if not (improved or deteriorated or self.numbers["sustained"]):
            return "No comparison"
        if improved > deteriorated:
            return "Improved"
        if deteriorated > improved:
            return "Deteriorated"
        return "Sustained"

    @cached_property
    def _query(self) -> str:
        """The row's own part of its links' query: encoded once for all its numbers."""
        plan = {"plan": self.quarter.plan.financial_year, "quarter": self.quarter.number}
        return urlencode(plan | self.filter_params)

    def url(self, **metric) -> str:
        """The list of the deliverables behind one of the row's numbers."""
        path = _list_path(get_script_prefix(), get_urlconf())
        if metric.keys() & self.filter_params.keys():  # the number narrows the row's filter
            params = {"plan": self.quarter.plan.financial_year, "quarter": self.quarter.number}
            return path + "?" + urlencode(params | self.filter_params | metric)
        return path + "?" + self._query + ("&" + urlencode(metric) if metric else "")

    def status_count(self, status) -> int:
        return self.numbers[f"status_{status}"]

    def __repr__(self) -> str:
        # Everything the row shows, and no more: a rendered bar or table row is kept under
        # this text (`{% cache %}` in the "fragments" cache), so it is made for every row of
        # every page, and the dataclass's own (segments, links, the quarter) cost more than
        # the row they name.
        quarter = self.quarter
        return (
            f"RollupRow({self.label!r}, {self.title!r}, {self.filter_params!r}, "
            f"{quarter.plan.financial_year} Q{quarter.number}, {list(self.numbers.items())!r})"
        )


@cache
def _list_path(prefix, urlconf) -> str:
    """The list's path, resolved once per prefix and URLconf: a dashboard links each number of
    every roll-up to the list (hundreds of links), and resolving each was a fifth of its time."""
    return reverse("reporting:deliverable_list", urlconf=urlconf)


def _row(label, title, filter_params, numbers, quarter) -> RollupRow:
    # A copy of its own: the numbers given may be kept ones (`_Kept`), shared by every reader.
    row = RollupRow(label, title, filter_params, dict(numbers), quarter)
    due = numbers["due"] or 1
    for status in BAR_ORDER:
        count = numbers[f"status_{status}"]
        if count:
            row.segments.append(
                Segment(
                    status,
                    Status(status).label,
                    count,
                    100 * count / due,
                    BAR_CLASSES[status],
                    {"status": status},
                    row,
                )
            )
    if numbers[MISSING]:
        row.segments.append(
            Segment(
                MISSING,
                Position.MISSING.label,
                numbers[MISSING],
                100 * numbers[MISSING] / due,
                BAR_CLASSES[MISSING],
                {"missing": 1},
                row,
            )
        )
    offset = 0.0
    for segment in row.segments:
        segment.offset, offset = offset, offset + segment.percent
    return row


def by_theme(quarter, themes=None) -> list[RollupRow]:
    """Each theme's row (`themes`: the plan's, if the caller has them already)."""
    themes = {theme.pk: theme for theme in (themes or plan_outline(quarter.plan)["themes"])}
    grouped = _grouped(quarter, "theme")
    return [
        _row(f"Theme {theme.number}", theme.title, {"theme": theme.pk}, grouped[pk], quarter)
        for pk, theme in themes.items()
        if pk in grouped
    ]


def by_owner(quarter) -> list[RollupRow]:
    grouped = _grouped(quarter, "owner")
    owners = sorted(_named(quarter, Owner, "owner", grouped), key=lambda owner: owner.code)
    return [
        # Board-facing: the plan's own title, or nothing (admin says when the plan gave none).
        _row(owner.code, owner.title, {"owner": owner.code}, grouped[owner.pk], quarter)
        for owner in owners
    ]


def by_assurance_group(quarter) -> list[RollupRow]:
    grouped = _grouped(quarter, "assurance_group")
    groups = sorted(
        _named(quarter, AssuranceGroup, "assurance_group", grouped),
        key=lambda group: group.label.lower(),
    )
    return [
        _row(
            group.label,
            group.name if group.name != group.label else "",
            {"assurance_group": group.pk},
            grouped[group.pk],
            quarter,
        )
        for group in groups
    ]


def _named(quarter, model, by: str, grouped: dict) -> list:
    """The owners or groups of `grouped`'s keys: read once for the quarter's kept rows, not
    again after each save (shared: never change them)."""
    named = _kept(quarter).named
    if by not in named or not named[by].keys() >= grouped.keys():
        named[by] = {item.pk: item for item in model.objects.filter(pk__in=grouped)}
    return [named[by][pk] for pk in grouped]


def totals(rows: list[RollupRow], quarter) -> RollupRow:
    """The plan's totals: the sum of the theme rows (every deliverable is in one theme)."""
    keys = rows[0].numbers.keys() if rows else COUNT_KEYS
    numbers = {key: sum(row.numbers[key] for row in rows) for key in keys}
    return _row("All themes", quarter.plan.title, {}, numbers, quarter)


@dataclass
class _Since:
    ids: set  # the deliverables read again
    rows: list[dict]  # their rows as they were
    levels: dict | None  # the committee levels as they were
    derived: dict  # what was worked out on them


class _Kept:
    """A quarter's rows (`_rows_query`), and the numbers added up from them by theme, owner or
    group as pages ask (never to be changed: every reader shares them)."""

    def __init__(self, rows: list[dict], query, links=None):
        self.rows = rows
        # The rows' query (`_rows_query`), never run itself: copied to read changed rows
        # again, as building its annotations was half of reading one row after a save.
        self.query = query
        self.grouped: dict[str, dict] = {}
        self.links: dict[str, tuple] = dict(links or {})
        # The owners and groups the roll-ups name ({"owner": {id: Owner}}): kept like the
        # links, as a change to one is not a scoped change either.
        self.named: dict[str, dict] = {}
        # Each deliverable's committee levels this quarter ({id: {group id: level}}), and
        # what pages worked out from all of it (reporting.glance): read as they are asked.
        self.levels: dict | None = None
        self.derived: dict = {}
        # Brought up to date from another (`updated`): what it held of the changed rows, for
        # what pages work out to take on (reporting.glance), until they have.
        self.since: _Since | None = None

    def updated(self, quarter, ids) -> "_Kept":
        """A new _Kept with `ids`' rows read again (one query) and the numbers already added
        up moved by the difference: what a status update saved changes (common.revision). The
        links stay: a change to a deliverable's owners or groups is not a scoped one."""
        fresh = {row["pk"]: row for row in self.query.filter(pk__in=ids)}
        old = [row for row in self.rows if row["pk"] in ids]
        rows = [fresh.pop(row["pk"], None) if row["pk"] in ids else row for row in self.rows]
        rows = [row for row in rows if row is not None] + list(fresh.values())
        new = [row for row in rows if row["pk"] in ids]
        kept = _Kept(rows, self.query, self.links)
        kept.named = dict(self.named)
        kept.since = _Since(set(ids), old, self.levels, self.derived)
        if self.levels is not None:
            kept.levels = {pk: levels for pk, levels in self.levels.items() if pk not in ids}
            kept.levels |= levels_in(quarter, ids)
        for by, grouped in self.grouped.items():
            keys = _keys(by, kept, quarter)
            grouped = dict(grouped)
            for sign, changed in ((-1, old), (1, new)):
                for row in changed:
                    for key in keys(row):
                        numbers = grouped.get(key)
                        numbers = dict(numbers) if numbers else dict.fromkeys(COUNT_KEYS, 0)
                        _count(numbers, row, sign)
                        grouped[key] = numbers
            # A group left with no deliverable is not a row (as when added up afresh).
            kept.grouped[by] = {key: n for key, n in grouped.items() if n["total"]}
        return kept


def _kept(quarter) -> _Kept:
    """Every deliverable of the plan with its position and flags in `quarter`: one query,
    kept for the other roll-ups of the page and through later requests, brought up to date
    for the deliverables a scoped change touched (common.revision.kept_by_deliverable), so a
    save in between is never missed."""
    return revision.kept_by_deliverable(
        "rollup-rows",
        [quarter.pk],
        lambda: _kept_afresh(quarter),
        lambda kept, ids: kept.updated(quarter, ids),
        quarter_number=quarter.number,
    )


def _kept_afresh(quarter) -> _Kept:
    query = _rows_query(quarter)
    return _Kept(list(query.all()), query)


def kept_rows(quarter) -> _Kept:
    """The quarter's kept rows (`_rows_query`) and links, for other counts made by the same
    rules: read once by a caller that needs both (each reading checks the data revision)."""
    return _kept(quarter)


def _rows_query(quarter):
    """The query of the rows of the plan's deliverables in `quarter` (`_Kept`)."""
    return (
        Deliverable.objects.in_plan(quarter.plan)
        .with_status_in(quarter)
        .order_by()
        .values(
            "pk",
            "objective__theme",
            # For the assurance at a glance's by-theme counts (reporting.glance), without a
            # query of its own for the themes.
            "objective__theme__number",
            "objective__theme__title",
            # For the risers and fallers (`moved`) and the assurance gaps, named in the
            # plan's order without a query of their own.
            "objective__number",
            "number",
            "description",
            "position",
            "status_now",
            "status_before",
            "is_due",
            "is_overdue",
            "is_complete",
            "trend",
        )
    )


def _grouped(quarter, by: str) -> dict:
    """Roll-up numbers by theme, owner or assurance group: one query for the rows (shared by
    the three), one for the owner or group links, and the adding up in Python. A grouped SQL
    count per dimension did the same in three queries, whose building in the ORM (fifteen
    filtered counts over joined annotations) cost more than the data at the seed plan's size.
    Kept with the rows: the dashboard reads the open quarter's theme numbers twice (its table
    and the quarter-by-quarter chart), and the board report once more."""
    kept = _kept(quarter)
    if by not in kept.grouped:
        kept.grouped[by] = _add_up(kept, quarter, by)
    return kept.grouped[by]


def links_of(quarter, by: str, kept: _Kept | None = None) -> tuple[dict, dict]:
    """Each deliverable's owners or groups ({deliverable id: [key, ...]}, in the plan's order)
    and each key's label: one query, kept with the quarter's rows (`kept`, if the caller has
    them) for every reader of the page (the roll-ups, and the assurance at a glance)."""
    kept = kept or _kept(quarter)
    if by not in kept.links:
        model = DeliverableOwner if by == "owner" else DeliverableAssuranceGroup
        key = "owner" if by == "owner" else "assurance_group"
        label = "owner__code" if by == "owner" else AssuranceGroup.label_sql("assurance_group__")
        keys_of, labels = defaultdict(list), {}
        for deliverable_id, pk, text in (
            model.objects.filter(deliverable__objective__plan=quarter.plan_id)
            .order_by("deliverable_id", "position")
            .values_list("deliverable_id", f"{key}_id", label)
        ):
            keys_of[deliverable_id].append(pk)
            labels[pk] = text
        kept.links[by] = (keys_of, labels)
    return kept.links[by]


def levels_in(quarter, ids=None) -> dict:
    """Each deliverable's committee levels in `quarter` (of `ids`, if given): one query."""
    reviews = AssuranceReview.objects.filter(quarter=quarter)
    if ids is not None:
        reviews = reviews.filter(deliverable__in=ids)
    levels = defaultdict(dict)
    for deliverable_id, group_id, level in reviews.values_list(
        "deliverable_id", "assurance_group_id", "level"
    ):
        levels[deliverable_id][group_id] = level
    return dict(levels)


def levels_of(quarter, kept: _Kept) -> dict:
    """The quarter's committee levels, kept with its rows (`levels_in`)."""
    if kept.levels is None:
        kept.levels = levels_in(quarter)
    return kept.levels


def plan_order(row: dict) -> tuple:
    """A kept row's place in the plan's order (Deliverable.natural_order): theme, objective,
    deliverable, by the numbers."""
    return row["objective__theme__number"], row["objective__number"], row["number"]


def _keys(by: str, kept: _Kept, quarter):
    """A function giving a row's keys by theme, owner or group."""
    if by == "theme":
        return lambda row: (row["objective__theme"],)
    keys_of = links_of(quarter, by, kept=kept)[0]
    return lambda row: keys_of.get(row["pk"], ())


def _add_up(kept: _Kept, quarter, by: str) -> dict:
    keys = _keys(by, kept, quarter)
    grouped = {}
    for row in kept.rows:
        for key in keys(row):
            _count(grouped.setdefault(key, dict.fromkeys(COUNT_KEYS, 0)), row)
    return grouped


def legend() -> list[tuple[str, str, str, str]]:
    """(label, meaning, css, fill) for each bar colour, for the key under the bars."""
    items = [
        (Status(s).label, MEANINGS[s], BAR_CLASSES[s], bar_fill(s, hatched=True)) for s in BAR_ORDER
    ]
    missing = (Position.MISSING.label, "Due this quarter, no update yet.", BAR_CLASSES[MISSING])
    items.append((*missing, bar_fill(MISSING)))
    return items


STATUS_COLUMNS = [(status, Status(status).label) for status in BAR_ORDER]
# The columns a board reads first (the rest sit behind "More figures", so the table fits).
ESSENTIAL_STATUSES = (Status.COMPLETE, Status.GREEN, Status.AMBER, Status.RED)
ESSENTIAL_COLUMNS = [(s, label) for s, label in STATUS_COLUMNS if s in ESSENTIAL_STATUSES]
OTHER_COLUMNS = [(s, label) for s, label in STATUS_COLUMNS if s not in ESSENTIAL_STATUSES]


def open_actions(plan) -> tuple[int, list[tuple[AssuranceGroup, int]]]:
    """Actions committees asked of owners in `plan` and not yet closed: the total, and how many
    each group has open (live: an action stays open until its secretary closes it)."""
    counts = dict(
        ReviewAction.objects.open()
        # Wherever they were asked: an action carried over with its deliverable counts here.
        .filter(deliverable__objective__plan=plan)
        .values_list("review__assurance_group")
        .annotate(count=Count("pk"))
        .values_list("review__assurance_group", "count")
    )
    groups = sorted(AssuranceGroup.objects.filter(pk__in=counts), key=lambda g: g.label)
    return sum(counts.values()), [(group, counts[group.pk]) for group in groups]


# How many risers and fallers the dashboard names; the rest are a link to the list.
MOVED_SHOWN = 10


def moved(quarter, limit: int | None = None) -> dict[str, list]:
    """The first `limit` deliverables (in reference order) whose rating rose or fell since
    the quarter before, each with `pk`, `reference`, `description`, `before_label` and
    `now_label`: from the quarter's kept rows, with no query of its own. How many there are
    in all is in the totals row (`improved`, `deteriorated`)."""
    limit = MOVED_SHOWN if limit is None else limit
    rows = _kept(quarter).rows
    # The first few of each, not all of them sorted and described: at a hundred times the seed
    # plan thousands move, and describing them all was 4 ms of each dashboard after a save.
    return {
        trend: [
            {
                "pk": row["pk"],
                "reference": f"{row['objective__number']}.{row['number']}",
                "description": row["description"],
                "before_label": Status(row["status_before"]).label,
                "now_label": Status(row["status_now"]).label,
            }
            for row in heapq.nsmallest(
                limit, (row for row in rows if row["trend"] == trend), key=plan_order
            )
        ]
        for trend in ("improved", "deteriorated")
    }


def quarter_by_quarter(plan) -> dict:
    """The status mix of every quarter that has opened: the plan's (`quarters`: quarter and its
    totals row) and each theme's (`themes`: label, title and its row in each quarter)."""
    quarters, themes = [], {}
    outline = plan_outline(plan)
    for quarter in outline["quarters"]:
        if quarter.state == quarter.State.UPCOMING:
            continue
        rows = by_theme(quarter, outline["themes"])
        quarters.append({"quarter": quarter, "total": totals(rows, quarter)})
        for row in rows:
            theme = themes.setdefault(
                row.label, {"label": row.label, "title": row.title, "rows": []}
            )
            theme["rows"].append({"quarter": quarter, "row": row})
    return {"quarters": quarters, "themes": list(themes.values())}


def previous_in_plan(quarter):
    """The quarter before `quarter` (None for Q1), from the kept outline: no query."""
    return next(
        (q for q in plan_outline(quarter.plan)["quarters"] if q.number == quarter.number - 1), None
    )


def plan_outline(plan) -> dict:
    """The plan's themes and its quarters in order: kept under the objectives domain, whose
    rows they are, as the dashboard reads them again after every save (shared: never change
    them)."""
    return revision.remembered(
        "plan-outline",
        [plan.pk],
        lambda: {"themes": list(plan.themes.all()), "quarters": list(plan.quarters.all())},
        domain=revision.OBJECTIVES,
    )
