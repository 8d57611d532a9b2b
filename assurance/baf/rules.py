"""The gap rules of the Board Assurance Framework: one module states them all (issue 30).

A gap is raised by the evidence, never typed: the rules below read what the plan holds about a
risk in a quarter (its controls' positions, the assurances of the last two quarters) and say
which gaps are open. Pure functions over plain data (`assurance.baf.register` gathers it), so
each rule is tested on its own, table by table.

Gaps in control, for each control:
- a control deliverable whose update is Off track (Red), or Deferred, in the quarter;
- one that is overdue: past the end of its delivery window and not complete;
- one missing its update once the quarter's deadline has passed (or the quarter has closed);
- any control rated Ineffective;
- and a risk with no controls at all.

Gaps in assurance:
- no second- or third-line assurance in the last two quarters (this one and the one before):
  no committee review of a cited deliverable, no lead-committee view, no second-line measure
  with a reading, no audit or external review dated in those quarters;
- any of those that says Limited or No assurance;
- a cited measure whose SPC assurance says the target will consistently be missed.

A gap's `key` names its source, so the action or decision people add to it (`GapNote`) stays
with it from quarter to quarter, and a gap whose cause clears is closed.
"""

from dataclasses import dataclass, field

from assurance.models import Level
from deliverables.positions import Position
from deliverables.status import Status

CONTROL = "control"
ASSURANCE = "assurance"
KIND_LABELS = {CONTROL: "Gap in control", ASSURANCE: "Gap in assurance"}
NEGATIVE_LEVELS = (Level.LIMITED, Level.NONE)


@dataclass(frozen=True)
class Gap:
    kind: str  # CONTROL or ASSURANCE
    key: str  # names the source: stable from quarter to quarter
    source: str  # the evidence that raised it, in words ("3.2 Off track (Red) in Q2")
    deliverable_id: int | None = None  # where the source is a deliverable, for its link


@dataclass
class ControlEvidence:
    """One control as it stands in the quarter."""

    id: int | str  # names the control in its gap's key: stable when the BAF is re-imported
    label: str
    effectiveness: str
    deliverable_id: int | None = None
    reference: str = ""
    position: str | None = None  # the deliverable's position in the quarter
    status: str | None = None  # its update's status in the quarter
    past_window: bool = False  # the quarter is after the end of its delivery window
    deadline_passed: bool = False  # the quarter's deadline has passed, or it has closed


@dataclass
class Reading:
    """One piece of assurance evidence in the last two quarters (or, for a measure, now)."""

    key: str  # "assurance:<id>:<detail>" or "view:<quarter id>"
    line: int
    source: str  # in words: "DHG review of 3.2, Q2: Limited"
    level: str = ""  # a Level, where the evidence has one
    spc: str = ""  # a measure's SPC assurance: "pass", "fail" or ""
    deliverable_id: int | None = None
    detail: str = ""  # the reading without what it is a reading of ("Q2: Limited")

    @property
    def positive(self) -> bool | None:
        """Whether it assures: True, False, or None where it says neither (an SPC reading of
        hit and miss, or with no target)."""
        if self.level:
            return self.level not in NEGATIVE_LEVELS
        if self.spc:
            return self.spc == "pass"
        return None


@dataclass
class Evidence:
    """What the rules read about one risk in one quarter."""

    quarter_label: str
    controls: list[ControlEvidence] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)


def control_gap(control: ControlEvidence, quarter_label: str) -> Gap | None:
    """The gap in control this control raises in the quarter, or None."""
    reasons = []
    ref = control.reference
    if control.deliverable_id:
        if control.position == Position.UPDATED and control.status == Status.RED:
            reasons.append(f"{ref} is Off track (Red) in {quarter_label}")
        elif control.position == Position.DEFERRED:
            reasons.append(f"{ref} was deferred in {quarter_label}")
        if control.position == Position.OVERDUE or (
            control.past_window and control.position in (Position.UPDATED, Position.DEFERRED)
        ):
            reasons.append(f"{ref} is overdue: past its delivery window and not complete")
        elif control.position == Position.MISSING and control.deadline_passed:
            reasons.append(f"{ref} is missing its {quarter_label} update")
    if control.effectiveness == "ineffective":
        reasons.append(f"{ref or control.label} is rated ineffective")
    if not reasons:
        return None
    return Gap(
        CONTROL,
        f"control:{control.id}",
        "; ".join(reasons),
        deliverable_id=control.deliverable_id,
    )


def gaps(evidence: Evidence) -> list[Gap]:
    """Every gap the evidence raises, control gaps first, in the order of their sources."""
    found = []
    if not evidence.controls:
        found.append(Gap(CONTROL, "control:none", "No controls are recorded for this risk"))
    for control in evidence.controls:
        gap = control_gap(control, evidence.quarter_label)
        if gap:
            found.append(gap)
    independent = [r for r in evidence.readings if r.line >= 2]
    if not independent:
        found.append(
            Gap(
                ASSURANCE,
                "assurance:none",
                "No second- or third-line assurance in the last two quarters",
            )
        )
    for reading in evidence.readings:
        if reading.level in NEGATIVE_LEVELS:
            found.append(
                Gap(ASSURANCE, reading.key, reading.source, deliverable_id=reading.deliverable_id)
            )
        elif reading.spc == "fail":  # its source says the target will be missed
            found.append(Gap(ASSURANCE, reading.key, reading.source))
    return found
