"""The BAF as it stands in a quarter: each principal risk with its scores, its controls and
assurances read from the plan's evidence, and the gaps the rules raise (assurance.baf.rules).

`register(quarter)` reads every risk of the quarter's plan in a fixed number of queries,
however many risks, controls and assurances there are; `as_data` turns it into the JSON-ready
dicts the board report freezes at close.
"""

import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from assurance.baf import rules
from assurance.baf.models import (
    CONSEQUENCE,
    LIKELIHOOD,
    RATING_LABELS,
    GapNote,
    PrincipalRisk,
    RiskAssurance,
    RiskCommitteeView,
    RiskControl,
    RiskScore,
    rating,
)
from assurance.models import AssuranceReview
from common.text import person
from deliverables.models import Standing
from deliverables.presenters import PositionPresenter
from objectives.measures import spc
from objectives.models import Measure, Objective, Quarter
from objectives.quarters import QuarterDates, financial_year_label


@dataclass
class Score:
    likelihood: int
    consequence: int
    rationale: str = ""
    quarter_label: str = ""  # where it was recorded; "" for the risk's initial score
    recorded_by: str = ""

    @property
    def value(self) -> int:
        return self.likelihood * self.consequence

    @property
    def rating(self) -> str:
        return rating(self.value)

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, "")

    @property
    def label(self) -> str:
        """ "16 (4 × 4, Extreme)": the score with its likelihood and consequence."""
        return f"{self.value} ({self.likelihood} × {self.consequence}, {self.rating_label})"

    def as_data(self) -> dict:
        return {
            "likelihood": self.likelihood,
            "consequence": self.consequence,
            "score": self.value,
            "rating": self.rating,
            "rating_label": self.rating_label,
            "rationale": self.rationale,
            "quarter": self.quarter_label,
            "recorded_by": self.recorded_by,
        }


@dataclass
class ControlState:
    control: object
    evidence: rules.ControlEvidence
    presenter: PositionPresenter | None = None  # the deliverable's position, as pages show it
    gap: rules.Gap | None = None


@dataclass
class AssuranceState:
    assurance: object
    readings: list = field(default_factory=list)  # rules.Reading, newest first

    @property
    def positive(self) -> bool | None:
        """The newest reading's verdict; None without one."""
        return self.readings[0].positive if self.readings else None


@dataclass
class GapState:
    gap: rules.Gap
    note: object = None  # its GapNote, if anyone added an action or decision
    is_open: bool = True

    @property
    def status_label(self) -> str:
        if self.is_open:
            return "Open"
        if self.note is not None and self.note.closed_by_decision:
            return "Closed by decision"
        return "Closed: cause cleared"


@dataclass
class RiskState:
    risk: PrincipalRisk
    quarter: Quarter
    current: Score
    scored_this_quarter: bool
    previous: Score | None  # the recorded score before `current`; None: the initial one
    view: object  # the lead committee's RiskCommitteeView in the quarter, or None
    controls: list
    assurances: list
    gaps: list  # GapState: open ones first, then those closed
    evidence: rules.Evidence = None

    @property
    def target(self) -> Score:
        return Score(self.risk.target_likelihood, self.risk.target_consequence)

    @property
    def tolerance(self) -> Score:
        return Score(self.risk.tolerance_likelihood, self.risk.tolerance_consequence)

    @property
    def initial(self) -> Score:
        return Score(self.risk.initial_likelihood, self.risk.initial_consequence)

    @property
    def above_appetite(self) -> bool:
        return self.current.value > self.tolerance.value

    @property
    def trend_label(self) -> str:
        before = self.previous or self.initial
        words = {"up": "Up from", "down": "Down from", "same": "Unchanged from"}[self.trend]
        since = before.quarter_label or "initial"
        return f"{words} {before.value} ({since})"

    @property
    def trend(self) -> str:
        """ "up", "down" or "same" against last quarter's score (or the initial one)."""
        before = self.previous or self.initial
        if self.current.value > before.value:
            return "up"
        if self.current.value < before.value:
            return "down"
        return "same"

    @property
    def open_gaps(self) -> list:
        return [g for g in self.gaps if g.is_open]

    @property
    def control_gaps(self) -> list:
        return [g for g in self.open_gaps if g.gap.kind == rules.CONTROL]

    @property
    def assurance_gaps(self) -> list:
        return [g for g in self.open_gaps if g.gap.kind == rules.ASSURANCE]


def _controls(quarter) -> Prefetch:
    """Controls with their deliverables, and each deliverable's stored position and status in
    the quarter (deliverables.models.Standing), in one query."""
    standing = Standing.objects.filter(quarter=quarter, deliverable=models.OuterRef("deliverable"))
    return Prefetch(
        "controls",
        queryset=RiskControl.objects.select_related("deliverable__objective").annotate(
            position_now=models.Subquery(standing.values("position")[:1]),
            status_now=models.Subquery(standing.values("status")[:1]),
        ),
    )


# A query each, however many risks: the links with what they link to, joined.
PREFETCH = (
    Prefetch("objectives", queryset=Objective.objects.order_by("number")),
    Prefetch(
        "assurances",
        queryset=RiskAssurance.objects.select_related(
            "deliverable__objective", "assurance_group", "measure"
        ),
    ),
    Prefetch(
        "gap_notes",
        queryset=GapNote.objects.select_related("action_deliverable__objective", "decided_by"),
    ),
)


@dataclass(frozen=True)
class Window:
    """The last two quarters: this one and the one before it (last year's Q4 for a Q1), told
    by plan and number, so finding them asks the database nothing."""

    quarter: Quarter

    @property
    def start(self):
        """The first day of the quarter before."""
        dates = self.quarter.dates
        if self.quarter.number == 1:
            return QuarterDates(dates.first_year - 1, 4).start
        return QuarterDates(dates.first_year, self.quarter.number - 1).start

    def condition(self, path: str = "quarter__") -> models.Q:
        """The quarters of the window, as a filter through `path` to a quarter."""
        quarter = self.quarter
        this = models.Q(**{f"{path}plan_id": quarter.plan_id})
        if quarter.number > 1:
            return this & models.Q(**{f"{path}number__in": [quarter.number - 1, quarter.number]})
        year_before = financial_year_label(quarter.dates.first_year - 1)
        return (this & models.Q(**{f"{path}number": 1})) | models.Q(
            **{f"{path}plan__financial_year": year_before, f"{path}number": 4}
        )


def register(quarter: Quarter, risks=None, measures=None) -> list[RiskState]:
    """Every principal risk of the quarter's plan (or `risks`, a queryset of them) as it
    stands in the quarter: eight queries, however many risks and links (`measures`, the plan's
    measures with their values, where the caller has them already, saves two)."""
    risks = list(
        (risks if risks is not None else PrincipalRisk.objects.in_plan(quarter.plan))
        .select_related("owner", "lead_committee", "plan")
        .prefetch_related(*PREFETCH, _controls(quarter))
        .order_by("number")
    )
    if not risks:
        return []
    window = Window(quarter)
    scores = _scores(risks, quarter)
    views = _views(risks, window)
    standings = {
        c.deliverable_id: Standing(position=c.position_now, status=c.status_now)
        for risk in risks
        for c in risk.controls.all()
        if c.deliverable_id and c.position_now
    }
    assurances = [a for risk in risks for a in risk.assurances.all()]
    reviews = _reviews(assurances, window)
    measures = _measures(assurances, measures)
    deadline_passed = quarter.is_closed or bool(
        quarter.deadline and quarter.deadline < timezone.localdate()
    )
    states = []
    for risk in risks:
        evidence = rules.Evidence(quarter.short_label)
        control_states = []
        for control in risk.controls.all():
            item = _control_evidence(control, standings.get(control.deliverable_id), quarter)
            item.deadline_passed = deadline_passed
            evidence.controls.append(item)
            standing = standings.get(control.deliverable_id)
            control_states.append(
                ControlState(
                    control,
                    item,
                    PositionPresenter(standing.position, standing.status) if standing else None,
                    rules.control_gap(item, quarter.short_label),
                )
            )
        assurance_states = []
        for assurance in risk.assurances.all():
            readings = _readings(assurance, reviews, measures, window, quarter)
            evidence.readings.extend(readings)
            assurance_states.append(AssuranceState(assurance, readings))
        view = views.get(risk.pk)
        if view is not None:
            evidence.readings.append(
                rules.Reading(
                    key="view",
                    line=2,
                    source=f"{view.assurance_group.label}'s view of the risk, "
                    f"{view.quarter.short_label}: {view.get_level_display()}",
                    level=view.level,
                )
            )
        current, scored, previous = scores[risk.pk]
        states.append(
            RiskState(
                risk=risk,
                quarter=quarter,
                current=current,
                scored_this_quarter=scored,
                previous=previous,
                view=view if view is not None and view.quarter_id == quarter.pk else None,
                controls=control_states,
                assurances=assurance_states,
                gaps=_gap_states(rules.gaps(evidence), risk.gap_notes.all()),
                evidence=evidence,
            )
        )
    return states


def _scores(risks, quarter):
    """Each risk's score in the quarter (its own, else the latest before, else the initial),
    whether it was recorded this quarter, and the one before it (one query)."""
    found = defaultdict(list)
    for score in (
        RiskScore.objects.filter(
            risk__in=risks, quarter__plan_id=quarter.plan_id, quarter__number__lte=quarter.number
        )
        .select_related("quarter", "recorded_by")
        .order_by("quarter__number")
    ):
        found[score.risk_id].append(score)
    result = {}
    for risk in risks:
        recorded = [_score(s) for s in found[risk.pk]]
        initial = Score(risk.initial_likelihood, risk.initial_consequence, risk.rationale)
        scored = bool(found[risk.pk]) and found[risk.pk][-1].quarter_id == quarter.pk
        current = recorded[-1] if recorded else initial
        # The trend is against the score before the current one (the initial one at first).
        previous = recorded[-2] if len(recorded) > 1 else None
        result[risk.pk] = (current, scored, previous)
    return result


def _score(score: RiskScore) -> Score:
    return Score(
        score.likelihood,
        score.consequence,
        score.rationale,
        score.quarter.short_label,
        person(score.recorded_by),
    )


def _views(risks, window) -> dict:
    """Each risk's lead-committee view, the newest in the window (one query)."""
    found = {}
    for view in (
        RiskCommitteeView.objects.filter(window.condition(), risk__in=risks)
        .select_related("quarter", "assurance_group", "recorded_by")
        .order_by("quarter__plan__start_date", "quarter__number")
    ):
        found[view.risk_id] = view  # the newest wins
    return found


def _reviews(assurances, window) -> dict:
    """Reviews of the cited deliverables in the window, by deliverable id, newest first: the
    deliverables themselves, and for a carried-over one, the one it was carried from (its
    reviews last Q4 are the quarter before this Q1). One query."""
    ids = {}
    for a in assurances:
        if a.kind == RiskAssurance.Kind.REVIEW and a.deliverable_id:
            ids[a.deliverable_id] = a.deliverable_id
            if a.deliverable.carried_from_id:
                ids[a.deliverable.carried_from_id] = a.deliverable_id
    found = defaultdict(list)
    if not ids:
        return found
    for review in (
        AssuranceReview.objects.filter(window.condition(), deliverable_id__in=list(ids))
        .select_related("assurance_group", "quarter")
        .order_by("-quarter__plan__start_date", "-quarter__number")
    ):
        found[ids[review.deliverable_id]].append(review)
    return found


def _measures(assurances, given=None) -> dict:
    """The cited measures with their values: from `given` where they are there."""
    found = {m.pk: m for m in given or []}
    ids = {a.measure_id for a in assurances if a.measure_id} - set(found)
    if ids:
        found |= {m.pk: m for m in Measure.objects.filter(pk__in=ids).with_values()}
    return found


def _digest(*parts) -> str:
    return f"{zlib.crc32('|'.join(map(str, parts)).encode()):08x}"


def control_token(control) -> str:
    """What a control's gap key names it by: its deliverable ("d12"), or its policy's name
    ("p" and a digest), never its own row id, so a gap's action stays with it when the BAF is
    exported and imported again."""
    if control.deliverable_id:
        return f"d{control.deliverable_id}"
    return "p" + _digest(" ".join(control.name.lower().split()))


def assurance_token(assurance) -> str:
    """The same for an assurance: the deliverable its reviews are of, the measure, or the
    audit's or review's title and date."""
    if assurance.kind == RiskAssurance.Kind.REVIEW:
        return f"r{assurance.deliverable_id}"
    if assurance.kind == RiskAssurance.Kind.MEASURE:
        return f"m{assurance.measure_id}"
    return "a" + _digest(assurance.kind, assurance.body, assurance.title, assurance.date)


def _control_evidence(control, standing, quarter) -> rules.ControlEvidence:
    deliverable = control.deliverable
    return rules.ControlEvidence(
        id=control_token(control),
        label=control.name or (deliverable.reference if deliverable else ""),
        effectiveness=control.effectiveness,
        deliverable_id=control.deliverable_id,
        reference=deliverable.reference if deliverable else "",
        position=standing.position if standing else None,
        status=standing.status if standing else None,
        past_window=bool(deliverable and deliverable.is_past_window_in(quarter)),
    )


def _readings(assurance, reviews, measures, window, quarter) -> list:
    kind = RiskAssurance.Kind
    if assurance.kind == kind.REVIEW:
        seen, readings = set(), []
        for review in reviews.get(assurance.deliverable_id, []):
            group = review.assurance_group
            if assurance.assurance_group_id and group.pk != assurance.assurance_group_id:
                continue
            if group.pk in seen:
                continue  # the group's newest review in the window speaks for it
            seen.add(group.pk)
            readings.append(
                rules.Reading(
                    key=f"assurance:{assurance_token(assurance)}:{group.pk}",
                    line=assurance.line,
                    source=f"{group.label} review of {assurance.deliverable.reference}, "
                    f"{review.quarter.short_label}: {review.get_level_display()}",
                    level=review.level,
                    deliverable_id=assurance.deliverable_id,
                    detail=f"{group.label}, {review.quarter.short_label}: "
                    f"{review.get_level_display()}",
                )
            )
        return readings
    if assurance.kind == kind.MEASURE:
        measure = measures.get(assurance.measure_id)
        analysis = measure.analysis(until=quarter.end) if measure else None
        if analysis is None:
            return []
        verdict = str(analysis.assurance) if analysis.assurance else ""
        words = spc.Assurance(verdict).label if verdict else "no target assurance (no target set)"
        return [
            rules.Reading(
                key=f"assurance:{assurance_token(assurance)}",
                line=assurance.line,
                source=f"{measure.name}, to {analysis.latest.period}: {words}",
                spc=verdict,
                detail=f"to {analysis.latest.period}: {words}",
            )
        ]
    # An audit or external review counts while it is dated in the last two quarters.
    start = window.start
    if assurance.date and start <= assurance.date <= quarter.end:
        return [
            rules.Reading(
                key=f"assurance:{assurance_token(assurance)}",
                line=assurance.line,
                source=f"{assurance.label} ({assurance.date:%-d %b %Y}): "
                f"{assurance.get_opinion_display()}",
                level=assurance.opinion,
                detail=f"{assurance.date:%-d %b %Y}: {assurance.get_opinion_display()}",
            )
        ]
    return []


def _gap_states(raised, notes) -> list:
    notes = {note.key: note for note in notes}
    states = [
        GapState(gap, note, is_open=not (note and note.closed_by_decision))
        for gap in raised
        for note in [notes.get(gap.key)]
    ]
    raised_keys = {gap.key for gap in raised}
    for key, note in notes.items():
        if key not in raised_keys:
            kind = rules.CONTROL if key.startswith("control") else rules.ASSURANCE
            source = note.source or "Its cause has cleared"
            states.append(GapState(rules.Gap(kind, key, source), note, False))
    return sorted(states, key=lambda s: (not s.is_open, s.gap.kind != rules.CONTROL))


# NHS identity colours for the 5×5 bands, each with a text colour of at least 4.5:1 contrast.
HEAT_COLOURS = {
    "low": ("#007f3b", "#ffffff"),
    "moderate": ("#ffeb3b", "#212b32"),
    "high": ("#ed8b00", "#212b32"),
    "extreme": ("#d5281b", "#ffffff"),
}
HEAT_CELL = 64
HEAT_LEFT = 72


def heat_map(states) -> list[list[dict]]:
    """The 5×5 matrix, likelihood rows from 5 (top) to 1, consequence columns 1 to 5: each
    cell's score, band and the risks whose current score sits there."""
    cells = defaultdict(list)
    for state in states:
        cells[(state.current.likelihood, state.current.consequence)].append(state.risk.number)
    return [
        [
            {
                "likelihood": likelihood,
                "consequence": consequence,
                "likelihood_label": LIKELIHOOD[likelihood],
                "consequence_label": CONSEQUENCE[consequence],
                "score": likelihood * consequence,
                "rating": rating(likelihood * consequence),
                "risks": cells[(likelihood, consequence)],
                # Where the cell sits in the heat map's SVG (likelihood 5 on top).
                "x": HEAT_LEFT + (consequence - 1) * HEAT_CELL,
                "y": (5 - likelihood) * HEAT_CELL,
            }
            for consequence in range(1, 6)
        ]
        for likelihood in range(5, 0, -1)
    ]


def as_data(states, quarter) -> dict:
    """The BAF in the quarter as JSON-ready data: what its pages show, and what the board
    report freezes at close (so the BAF the Board saw is kept like the report)."""
    risks = [_risk_data(state) for state in states]
    return {
        "quarter": quarter.short_label,
        "risks": risks,
        "heat_map": heat_map(states),
        "above_appetite": sum(1 for r in risks if r["above_appetite"]),
        "open_gaps": sum(len(r["open_gaps"]) for r in risks),
        "control_gaps": sum(r["control_gaps"] for r in risks),
        "assurance_gaps": sum(r["assurance_gaps"] for r in risks),
        "illustrative": any(r["illustrative"] for r in risks),
    }


def _risk_data(state: RiskState) -> dict:
    risk, view = state.risk, state.view
    gaps = [
        {
            "kind": item.gap.kind,
            "kind_label": rules.KIND_LABELS[item.gap.kind],
            "key": item.gap.key,
            "source": item.gap.source,
            "deliverable_id": item.gap.deliverable_id,
            "open": item.is_open,
            "status_label": item.status_label,
            "action": _action(item.note),
            "decision": item.note.decision if item.note else "",
            "decided_by": person(item.note.decided_by) if item.note else "",
        }
        for item in state.gaps
    ]
    open_gaps = [g for g in gaps if g["open"]]
    return {
        "id": risk.pk,
        "number": risk.number,
        "reference": risk.reference,
        "title": risk.title,
        "cause": risk.cause,
        "event": risk.event,
        "effect": risk.effect,
        "illustrative": risk.illustrative,
        "objectives": [{"number": o.number, "title": o.title} for o in risk.objectives.all()],
        "owner": risk.owner.code,
        "lead_committee": risk.lead_committee.label,
        "appetite_level": risk.get_appetite_level_display(),
        "appetite_category": risk.get_appetite_category_display(),
        "initial": state.initial.as_data(),
        "current": state.current.as_data(),
        "scored_this_quarter": state.scored_this_quarter,
        "target": state.target.as_data(),
        "tolerance": state.tolerance.as_data(),
        "trend": state.trend,
        "trend_label": state.trend_label,
        "above_appetite": state.above_appetite,
        "view": {
            "group": view.assurance_group.label,
            "level": view.level,
            "level_label": view.get_level_display(),
            "comments": view.comments,
            "recorded_by": person(view.recorded_by),
        }
        if view
        else None,
        "controls": [
            {
                "label": item.control.label,
                "deliverable_id": item.control.deliverable_id,
                "reference": item.evidence.reference,
                "description": item.control.deliverable.description
                if item.control.deliverable_id
                else "",
                "owner": item.control.owner,
                "position_label": item.presenter.label if item.presenter else "",
                "tag_class": item.presenter.tag_class if item.presenter else "",
                "effectiveness": item.control.get_effectiveness_display(),
                "gap": item.gap is not None,
            }
            for item in state.controls
        ],
        "assurances": [
            {
                "label": item.assurance.label,
                "kind": item.assurance.kind,
                "line": item.assurance.line,
                "line_label": item.assurance.get_line_display(),
                "readings": [
                    {
                        "source": reading.source,
                        "detail": reading.detail,
                        "positive": reading.positive,
                    }
                    for reading in item.readings
                ],
                "positive": item.positive,
            }
            for item in state.assurances
        ],
        "gaps": gaps,
        "open_gaps": open_gaps,
        "control_gaps": sum(1 for g in open_gaps if g["kind"] == rules.CONTROL),
        "assurance_gaps": sum(1 for g in open_gaps if g["kind"] == rules.ASSURANCE),
    }


def _action(note) -> str:
    if note is None:
        return ""
    if note.action_deliverable_id:
        d = note.action_deliverable
        return f"{d.reference} {d.description}"
    if note.action:
        due = f", by {note.action_due:%-d %b %Y}" if note.action_due else ""
        return f"{note.action} ({note.action_owner}{due})"
    return ""


def scores_owed(user, quarter) -> list[tuple]:
    """The principal risks whose score `user` records (as the owner's executive or delegate, not
    as an administrator), each with whether its score for `quarter` is in: My updates lists
    them (two queries)."""
    if not quarter.is_open:
        return []
    risks = PrincipalRisk.objects.in_plan(quarter.plan).filter(owner__users=user).distinct()
    scored = set(
        RiskScore.objects.filter(risk__in=risks, quarter=quarter).values_list("risk_id", flat=True)
    )
    return [
        (
            f"{risk.reference} score: {risk.title}",
            reverse("baf:score", args=[risk.pk, quarter.number]),
            risk.pk in scored,
        )
        for risk in risks.order_by("number")
    ]


def views_owed(group, quarter) -> list[tuple]:
    """The principal risks `group` leads on in `quarter`'s plan, each with whether its view
    for the quarter is recorded: a secretary's My groups lists them (two queries)."""
    if quarter is None:
        return []
    risks = PrincipalRisk.objects.in_plan(quarter.plan).filter(lead_committee=group)
    viewed = set(
        RiskCommitteeView.objects.filter(risk__in=risks, quarter=quarter).values_list(
            "risk_id", flat=True
        )
    )
    return [
        (
            f"{risk.reference}: {risk.title}",
            reverse("baf:view", args=[risk.pk, quarter.number]),
            risk.pk in viewed,
        )
        for risk in risks.order_by("number")
    ]


HISTORY_LIMIT = 40


def history(risk) -> list[dict]:
    """Every recorded change to the risk, newest first: the register's own edits, its scores,
    its committee's views, its controls, assurances and gaps' actions (a query each)."""
    verbs = {"+": "added", "~": "changed", "-": "removed"}
    sources = [
        (PrincipalRisk.history.filter(id=risk.pk), lambda r: "The risk"),
        (
            RiskScore.history.filter(risk_id=risk.pk).select_related("quarter"),
            lambda r: (
                f"{r.quarter.short_label} score: {r.likelihood * r.consequence} "
                f"({r.likelihood} × {r.consequence})"
                + (" (a correction after close)" if r.corrected_after_close else "")
            ),
        ),
        (
            RiskCommitteeView.history.filter(risk_id=risk.pk).select_related("quarter"),
            lambda r: f"{r.quarter.short_label} committee view: {r.get_level_display()}",
        ),
        (
            RiskControl.history.filter(risk_id=risk.pk).select_related("deliverable__objective"),
            lambda r: f"Control: {r.name or r.deliverable.reference}",
        ),
        (
            RiskAssurance.history.filter(risk_id=risk.pk).select_related(
                "deliverable__objective", "measure"
            ),
            lambda r: (
                f"Assurance: {r.get_kind_display()}"
                + (f" ({r.deliverable.reference})" if r.deliverable_id else "")
                + (f" ({r.measure.name})" if r.measure_id else "")
                + (f" ({r.title})" if r.title else "")
            ),
        ),
        (
            GapNote.history.filter(risk_id=risk.pk),
            lambda r: "Gap closed by decision" if r.decision else "Gap's action",
        ),
    ]
    found = []
    for records, describe in sources:
        for record in records.select_related("history_user").order_by("-history_date")[
            :HISTORY_LIMIT
        ]:
            found.append(
                {
                    "when": record.history_date,
                    "who": person(record.history_user, "The system"),
                    "what": f"{describe(record)} {verbs[record.history_type]}",
                    "why": record.history_change_reason or "",
                }
            )
    return sorted(found, key=lambda item: item["when"], reverse=True)[:HISTORY_LIMIT]
