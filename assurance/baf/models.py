"""The Board Assurance Framework (issue 30): the principal risks to the plan's objectives, each
with its controls and assurances as links to the plan's own evidence, and its scores.

A control is a deliverable of the plan (or, where none exists, a named policy or process); an
assurance is a committee's review of a cited deliverable, a measure's SPC reading, an internal
audit or an external review. Gaps are not stored: `assurance.baf.rules` raises them from the
evidence whenever the BAF is read, so a Red update on a control shows as a gap in the same
request that saved it. What people add to a gap (its action, or a decision to close it) is a
`GapNote`, found again by the gap's key.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from assurance.models import LEVEL_TAGS, AssuranceGroup, Level
from deliverables.models import Deliverable, Owner
from objectives.models import Quarter
from objectives.roles import is_plan_admin

SCALE = (1, 2, 3, 4, 5)
LIKELIHOOD = {
    1: "Rare",
    2: "Unlikely",
    3: "Possible",
    4: "Likely",
    5: "Almost certain",
}
CONSEQUENCE = {
    1: "Negligible",
    2: "Minor",
    3: "Moderate",
    4: "Major",
    5: "Catastrophic",
}


def _scale_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        **kwargs,
    )


def rating(score: int | None) -> str:
    """The NHS 5×5 matrix's band for a score (likelihood × consequence)."""
    if not score:
        return ""
    if score <= 3:
        return "low"
    if score <= 6:
        return "moderate"
    if score <= 12:
        return "high"
    return "extreme"


RATING_LABELS = {"low": "Low", "moderate": "Moderate", "high": "High", "extreme": "Extreme"}


class Appetite(models.TextChoices):
    """How much risk the Board will take, on the scale NHS boards use (GGI)."""

    AVERSE = "averse", "Averse"
    MINIMAL = "minimal", "Minimal"
    CAUTIOUS = "cautious", "Cautious"
    OPEN = "open", "Open"
    SEEK = "seek", "Seek"


class AppetiteCategory(models.TextChoices):
    QUALITY = "quality", "Quality and safety"
    FINANCE = "finance", "Financial"
    WORKFORCE = "workforce", "Workforce"
    COMPLIANCE = "compliance", "Compliance and regulation"
    REPUTATION = "reputation", "Reputation"
    PARTNERSHIPS = "partnerships", "Partnerships"
    INNOVATION = "innovation", "Innovation and technology"
    ESTATES = "estates", "Estates and infrastructure"


class PrincipalRiskQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)

    def owned_by(self, user):
        """Risks whose quarterly score this person records: their Owner's (executive or
        delegate), or all for plan administrators."""
        if is_plan_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner__users=user).distinct()

    def viewed_by(self, user):
        """Risks whose committee view this person records: their lead committee's secretaries,
        or plan administrators."""
        if is_plan_admin(user):
            return self.all()
        return self.filter(lead_committee__in=AssuranceGroup.objects.secretary_of(user))


class ScoredMixin:
    @property
    def score(self) -> int:
        return self.likelihood * self.consequence


class PrincipalRisk(models.Model):
    """A principal risk to the plan's strategic objectives ("BAF 1")."""

    plan = models.ForeignKey(
        "objectives.Plan", on_delete=models.PROTECT, related_name="principal_risks"
    )
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="1 for BAF 1."
    )
    title = models.CharField(max_length=300)
    cause = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    event = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    effect = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    objectives = models.ManyToManyField(
        "objectives.Objective",
        related_name="principal_risks",
        blank=True,
        help_text="The strategic objectives this risk threatens.",
    )
    owner = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        related_name="principal_risks",
        help_text="The executive risk owner: their people record its score each quarter.",
    )
    lead_committee = models.ForeignKey(
        AssuranceGroup,
        on_delete=models.PROTECT,
        related_name="principal_risks",
        help_text="Its secretaries record the committee's view of the risk's assurance.",
    )
    appetite_category = models.CharField(max_length=20, choices=AppetiteCategory.choices)
    appetite_level = models.CharField(max_length=10, choices=Appetite.choices)
    initial_likelihood = _scale_field("initial likelihood")
    initial_consequence = _scale_field("initial consequence")
    target_likelihood = _scale_field("target likelihood")
    target_consequence = _scale_field("target consequence")
    tolerance_likelihood = _scale_field("tolerable likelihood")
    tolerance_consequence = _scale_field("tolerable consequence")
    rationale = models.TextField(
        "rationale for the scores",
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="Why the initial, target and tolerable scores are what they are.",
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="An example for demonstration or training, not one of the trust's real risks.",
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text="The same risk in the year before, where the roll-over carried it.",
    )

    history = HistoricalRecords(m2m_fields=[objectives])
    objects = PrincipalRiskQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name = "principal risk"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="principal_risk_number"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"BAF {self.number}"

    def quarter(self, number=None):
        """The quarter of its plan a page or the API reads it in: the one asked for (a number,
        or its text), else the plan's open quarter, else its latest reported, else Q1."""
        quarters = list(self.plan.quarters.order_by("number"))
        chosen = next((q for q in quarters if str(q.number) == str(number or "")), None)
        reported = [q for q in quarters if q.state != Quarter.State.UPCOMING]
        return (
            chosen
            or next((q for q in quarters if q.is_open), None)
            or (reported[-1] if reported else quarters[0])
        )

    @property
    def initial_score(self) -> int:
        return (self.initial_likelihood or 0) * (self.initial_consequence or 0)

    @property
    def target_score(self) -> int:
        return (self.target_likelihood or 0) * (self.target_consequence or 0)

    @property
    def tolerance_score(self) -> int:
        return (self.tolerance_likelihood or 0) * (self.tolerance_consequence or 0)

    def clean(self):
        if None in (self.target_likelihood, self.target_consequence) or None in (
            self.initial_likelihood,
            self.initial_consequence,
        ):
            return
        if self.target_score > self.initial_score:
            raise ValidationError(
                {"target_likelihood": "The target score cannot be above the initial score."}
            )


class RiskScore(ScoredMixin, models.Model):
    """The risk owner's current score for a quarter, with why: fixed when the quarter closes
    (a plan administrator's later correction is flagged), and frozen into the board report."""

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="scores")
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="risk_scores"
    )
    likelihood = _scale_field("likelihood")
    consequence = _scale_field("consequence")
    rationale = models.TextField(
        "why this score", validators=[MaxLengthValidator(2000)], help_text="Up to 2,000 characters."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    corrected_after_close = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["risk_id", "quarter_id"]
        verbose_name = "risk score"
        constraints = [
            models.UniqueConstraint(fields=["risk", "quarter"], name="one_risk_score_a_quarter"),
        ]

    def __str__(self):
        return f"{self.risk.reference} {self.quarter.short_label}: {self.score}"

    def clean(self):
        if self.risk_id and self.quarter_id and self.quarter.plan_id != self.risk.plan_id:
            raise ValidationError("Choose a quarter of the risk's own plan.")


class RiskCommitteeView(models.Model):
    """The lead committee's view of how well a risk is assured in a quarter (second line)."""

    risk = models.ForeignKey(
        PrincipalRisk, on_delete=models.CASCADE, related_name="committee_views"
    )
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="risk_committee_views"
    )
    # The committee that gave it: the risk's lead committee at the time.
    assurance_group = models.ForeignKey(
        AssuranceGroup, on_delete=models.PROTECT, related_name="risk_views"
    )
    level = models.CharField("level of assurance", max_length=12, choices=Level.choices)
    comments = models.TextField(blank=True, validators=[MaxLengthValidator(4000)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    corrected_after_close = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["risk_id", "quarter_id"]
        verbose_name = "committee view of a risk"
        constraints = [
            models.UniqueConstraint(fields=["risk", "quarter"], name="one_risk_view_a_quarter"),
        ]

    def __str__(self):
        return f"{self.assurance_group} on {self.risk.reference}: {self.get_level_display()}"

    @property
    def tag_class(self) -> str:
        return LEVEL_TAGS.get(self.level, "nhsuk-tag--grey")


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", "Effective"
    PARTIAL = "partial", "Partially effective"
    INEFFECTIVE = "ineffective", "Ineffective"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"


class RiskControl(models.Model):
    """A control on a risk: a deliverable of the plan, or a named policy or process."""

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="controls")
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.PROTECT,
        related_name="risk_controls",
        null=True,
        blank=True,
        help_text="The deliverable that is the control; leave empty for a policy or process.",
    )
    name = models.CharField(
        "policy or process",
        max_length=300,
        blank=True,
        help_text="Where no deliverable is the control: the policy or process, by name.",
    )
    owner = models.CharField(
        "owner of the policy or process",
        max_length=200,
        blank=True,
        help_text="Who runs it (a deliverable's owners are the plan's).",
    )
    effectiveness = models.CharField(
        max_length=12, choices=Effectiveness.choices, default=Effectiveness.NOT_ASSESSED
    )
    position = models.PositiveSmallIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "control"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(deliverable__isnull=False, name="")
                    | models.Q(deliverable__isnull=True) & ~models.Q(name="")
                ),
                name="control_is_a_deliverable_or_a_named_process",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.deliverable_id:
            return f"{self.deliverable.reference} {self.deliverable.description}"
        return self.name

    def clean(self):
        if bool(self.deliverable_id) == bool(self.name.strip()):
            raise ValidationError(
                "A control is either a deliverable of the plan or a named policy or process: "
                "give one of them."
            )
        if self.name and not self.owner.strip():
            raise ValidationError({"owner": "Name who runs the policy or process."})
        if (
            self.deliverable_id
            and self.risk_id
            and self.deliverable.objective.plan_id != self.risk.plan_id
        ):
            raise ValidationError({"deliverable": "Choose a deliverable of the risk's own plan."})


class Line(models.IntegerChoices):
    """The three lines of assurance."""

    FIRST = 1, "First line (management)"
    SECOND = 2, "Second line (committee, oversight)"
    THIRD = 3, "Third line (independent)"


class RiskAssurance(models.Model):
    """A source of assurance on a risk, typed and linked to where it comes from."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Committee review of a deliverable"
        MEASURE = "measure", "Key indicator (SPC assurance)"
        AUDIT = "audit", "Internal audit report"
        EXTERNAL = "external", "External review"

    # The line each kind gives, where it is not configured (a measure's is: first or second).
    KIND_LINES = {Kind.REVIEW: Line.SECOND, Kind.AUDIT: Line.THIRD, Kind.EXTERNAL: Line.THIRD}

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="assurances")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    line = models.PositiveSmallIntegerField(choices=Line.choices)
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.PROTECT,
        related_name="risk_assurances",
        null=True,
        blank=True,
        help_text="A committee review: the deliverable whose reviews assure the risk.",
    )
    assurance_group = models.ForeignKey(
        AssuranceGroup,
        on_delete=models.PROTECT,
        related_name="risk_assurances",
        null=True,
        blank=True,
        help_text="A committee review: the committee (empty: any of the deliverable's).",
    )
    measure = models.ForeignKey(
        "objectives.Measure",
        on_delete=models.PROTECT,
        related_name="risk_assurances",
        null=True,
        blank=True,
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="An audit or external review: its report's title."
    )
    body = models.CharField(
        "by", max_length=200, blank=True, help_text="An external review: CQC, NHS England…"
    )
    date = models.DateField(null=True, blank=True, help_text="An audit or review: its date.")
    opinion = models.CharField(max_length=12, choices=Level.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "position", "id"]
        verbose_name = "assurance"

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.REVIEW and self.deliverable_id:
            group = self.assurance_group.label if self.assurance_group_id else "Committee"
            return f"{group} review of {self.deliverable.reference}"
        if self.kind == self.Kind.MEASURE and self.measure_id:
            return f"SPC: {self.measure.name}"
        prefix = self.body or self.get_kind_display()
        return f"{prefix}: {self.title}" if self.title else prefix

    def clean(self):
        errors = {}
        kind = self.Kind
        if self.kind in self.KIND_LINES:
            self.line = self.KIND_LINES[self.kind]
        elif self.kind == kind.MEASURE and self.line not in (Line.FIRST, Line.SECOND):
            errors["line"] = "A key indicator gives first- or second-line assurance."
        if self.kind == kind.REVIEW and not self.deliverable_id:
            errors["deliverable"] = "Choose the deliverable whose committee reviews assure this."
        if self.kind == kind.MEASURE and not self.measure_id:
            errors["measure"] = "Choose the key indicator."
        if self.kind in (kind.AUDIT, kind.EXTERNAL):
            for name, message in (
                ("title", "Give the report's title."),
                ("date", "Give the report's date."),
                ("opinion", "Give the report's opinion."),
            ):
                if not getattr(self, name):
                    errors[name] = message
        if self.kind == kind.EXTERNAL and not self.body.strip():
            errors["body"] = "Name who reviewed (CQC, NHS England…)."
        if errors:
            raise ValidationError(errors)
        risk = self.risk if self.risk_id else None
        if risk and self.deliverable_id and self.deliverable.objective.plan_id != risk.plan_id:
            raise ValidationError({"deliverable": "Choose a deliverable of the risk's own plan."})
        if (
            self.deliverable_id
            and self.assurance_group_id
            and not self.deliverable.assurance_groups.filter(pk=self.assurance_group_id).exists()
        ):
            raise ValidationError(
                {
                    "assurance_group": f"{self.assurance_group} does not review "
                    f"{self.deliverable.reference}."
                }
            )


class GapNote(models.Model):
    """What people add to a gap the rules raised: the action that closes it (a deliverable, or a
    free action with an owner and date), or a recorded decision to close it while its cause
    stands. Found again by the gap's `key` (assurance.baf.rules)."""

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="gap_notes")
    key = models.CharField(max_length=80)
    # What raised the gap when the note was made: still said once its cause has cleared.
    source = models.CharField(max_length=500, blank=True)
    action_deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.SET_NULL,
        related_name="gap_actions",
        null=True,
        blank=True,
        verbose_name="deliverable that closes it",
    )
    action = models.TextField(
        "action", blank=True, validators=[MaxLengthValidator(2000)], help_text="What will be done."
    )
    action_owner = models.CharField("action owner", max_length=200, blank=True)
    action_due = models.DateField("due by", null=True, blank=True)
    decision = models.TextField(
        "decision to close it",
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="Close the gap while its cause stands: say who decided, and why.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "gap's action"
        constraints = [
            models.UniqueConstraint(fields=["risk", "key"], name="one_note_a_gap"),
        ]

    def __str__(self):
        return f"{self.risk.reference} {self.key}"

    @property
    def closed_by_decision(self) -> bool:
        return bool(self.decision.strip())

    def clean(self):
        if self.action.strip() and not (self.action_owner.strip() and self.action_due):
            raise ValidationError("A free action needs its owner and the date it is due by.")
