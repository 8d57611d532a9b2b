from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from simple_history.models import HistoricalRecords

from deliverables.models import Deliverable


class AssuranceGroupQuerySet(models.QuerySet):
    def secretary_of(self, user):
        return self.filter(secretaries=user) if user.is_authenticated else self.none()

    def reviewable_by(self, user):
        """Groups whose assurance this user may record: their own, or all for administrators."""
        from objectives.roles import is_plan_admin

        if is_plan_admin(user):
            return self.all()
        if not user.has_perm("assurance.change_assurancereview"):
            return self.none()
        return self.secretary_of(user)

    def may_review(self, user, group) -> bool:
        """Whether `user` may record `group`'s assurance: a plan administrator may for every
        group, without asking the database which."""
        from objectives.roles import is_plan_admin

        return is_plan_admin(user) or self.reviewable_by(user).filter(pk=group.pk).exists()


class AssuranceGroup(models.Model):
    """A committee that scrutinises deliverables. Some have a code (DHG); some only a name."""

    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Left blank where the plan gives only a code; complete it when known.",
    )
    in_plan_key = models.BooleanField(
        "named in the plan's key",
        default=True,
        help_text="Off for groups the plan's table uses but its key of abbreviations leaves out.",
    )
    secretaries = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assurance_groups",
        blank=True,
        help_text="The people who record this group's reviews.",
    )

    deliverables = models.ManyToManyField(
        Deliverable,
        through="DeliverableAssuranceGroup",
        related_name="assurance_groups",
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=[secretaries])
    objects = AssuranceGroupQuerySet.as_manager()

    class Meta:
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="assurance_group_code_unique"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=~models.Q(name=""), name="assurance_group_name_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(code="", name=""), name="assurance_group_code_or_name"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The code where the plan gives one, otherwise the name (in SQL: `label_sql`)."""
        return self.code or self.name

    @staticmethod
    def label_sql(path: str = "") -> Coalesce:
        """`label` as an ORM expression, for queries that read labels without loading groups;
        `path` leads to the group ("assurance_group__" from a deliverable's link)."""
        return Coalesce(NullIf(f"{path}code", Value("")), f"{path}name")

    @property
    def full_name(self) -> str:
        return self.name or "Full name not given in the plan"


class DeliverableAssuranceGroup(models.Model):
    """A deliverable's assurance group, in the order the plan names them ("DHG CEAG": DHG first).

    It lives here, in the higher app, so the deliverables app never names this one."""

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="group_links"
    )
    assurance_group = models.ForeignKey(
        AssuranceGroup, on_delete=models.PROTECT, related_name="deliverable_links"
    )
    position = models.PositiveSmallIntegerField(
        default=1, help_text="Where the plan names this group: 1 for the first."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "assurance group"
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "assurance_group"], name="deliverable_group_once"
            ),
        ]

    def __str__(self):
        return str(self.assurance_group)


class Level(models.TextChoices):
    """The assurance scale NHS internal audit uses."""

    SUBSTANTIAL = "substantial", "Substantial"
    REASONABLE = "reasonable", "Reasonable"
    LIMITED = "limited", "Limited"
    NONE = "none", "No assurance"


LEVEL_MEANINGS = {
    Level.SUBSTANTIAL: (
        "A sound system of governance, risk management and control exists, with controls "
        "operating effectively and consistently applied to support delivery."
    ),
    Level.REASONABLE: (
        "A generally sound system is in place; some issues or scope for improvement were "
        "identified which may put delivery at risk."
    ),
    Level.LIMITED: (
        "Significant gaps, weaknesses or non-compliance were identified; improvement is needed "
        "to manage the risks to delivery."
    ),
    Level.NONE: (
        "Immediate action is needed: fundamental gaps or weaknesses mean the risks to delivery "
        "are not managed."
    ),
}
LEVEL_TAGS = {
    Level.SUBSTANTIAL: "nhsuk-tag--green",
    Level.REASONABLE: "nhsuk-tag--aqua-green",
    Level.LIMITED: "nhsuk-tag--orange",
    Level.NONE: "nhsuk-tag--red",
}


class AssuranceReview(models.Model):
    """An assurance group's level of assurance on one deliverable for one quarter."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="reviews")
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="reviews"
    )
    assurance_group = models.ForeignKey(
        AssuranceGroup, on_delete=models.PROTECT, related_name="reviews"
    )
    level = models.CharField("level of assurance", max_length=12, choices=Level.choices)
    comments = models.TextField(blank=True, validators=[MaxLengthValidator(4000)])
    actions_requested = models.TextField(
        "actions or further information requested",
        blank=True,
        validators=[MaxLengthValidator(4000)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    corrected_after_close = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["quarter_id", "assurance_group_id", "deliverable_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter", "assurance_group"],
                name="one_review_per_group_deliverable_quarter",
            ),
        ]

    def __str__(self):
        return f"{self.assurance_group}: {self.get_level_display()}"

    @property
    def tag_class(self) -> str:
        return LEVEL_TAGS.get(self.level, "nhsuk-tag--grey")

    @staticmethod
    def history_description(record) -> str:
        """How the deliverable page's history names a change to a review (a history record)."""
        verb = "recorded" if record.history_type == "+" else "changed"
        return f"{record.assurance_group.label}'s Q{record.quarter.number} assurance {verb}"

    def clean(self):
        if not (self.deliverable_id and self.quarter_id and self.assurance_group_id):
            return
        if self.quarter.plan_id != self.deliverable.objective.plan_id:
            raise ValidationError("Choose a quarter of the deliverable's own plan.")
        if not self.deliverable.assurance_groups.filter(pk=self.assurance_group_id).exists():
            raise ValidationError(
                f"{self.assurance_group} does not give assurance on {self.deliverable.reference}."
            )


class ReviewActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class ReviewAction(models.Model):
    """One action an assurance group asked of a deliverable's owner, from a review's "actions
    requested" (one per line). The owner records a response; the group's secretary closes it
    (or reopens it). Every change is in history, which the deliverable page lists."""

    review = models.ForeignKey(AssuranceReview, on_delete=models.CASCADE, related_name="actions")
    # The review's deliverable, kept here too so a deliverable's actions are one query away.
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="review_actions"
    )
    text = models.TextField("action", validators=[MaxLengthValidator(4000)])
    response = models.TextField(
        "owner's response", blank=True, validators=[MaxLengthValidator(4000)]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ReviewActionQuerySet.as_manager()

    class Meta:
        ordering = ["review_id", "id"]
        indexes = [
            # "Open" is how every page asks for actions (`open()`: closed_at IS NULL). Without
            # this, SQLite reached a group's open actions through every review it ever gave, of
            # every plan year: 28 ms in a pack after ten years, 10 ms after one (issue 32).
            models.Index(fields=["closed_at"], name="reviewaction_closed_at"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @staticmethod
    def history_description(record) -> str:
        """How the deliverable page's history names a change to an action (a history record):
        the services give each change its reason (answered, closed, reopened)."""
        text = record.text if len(record.text) <= 60 else record.text[:57] + "..."
        verbs = {"+": "requested", "-": "withdrawn", "~": "changed"}
        verb = record.history_change_reason or verbs[record.history_type]
        return f"Committee action {verb}: {text}"


def action_lines(text: str) -> list[str]:
    """The actions in a review's "actions requested": one per line, list markers dropped."""
    lines = (line.strip().lstrip("-*•–").strip() for line in (text or "").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


class SentReminder(models.Model):
    """One reminder e-mail that was sent: the record that makes `send_reminders` idempotent."""

    class Kind(models.TextChoices):
        OWNER_BEFORE = "owner_before", "Updates due soon (to an executive)"
        OWNER_DEADLINE = "owner_deadline", "Updates due today (to an executive)"
        ADMIN_SUMMARY = "admin_summary", "Missing updates after the deadline (to administrators)"
        GROUP_READY = "group_ready", "Group's items ready for review (to a secretary)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.CASCADE, related_name="sent_reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    # Distinguishes reminders of one kind: "7" days before, or the group's id.
    detail = models.CharField(max_length=40, blank=True)
    email = models.EmailField()
    subject = models.CharField(max_length=200)
    deliverable_count = models.PositiveIntegerField(default=0)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "quarter", "recipient", "detail"], name="reminder_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email} on {self.sent_on}"


class ChairReportItemQuerySet(models.QuerySet):
    def of(self, group, quarter):
        """A group's chair's report for a quarter: its items, Alert first, in the order made."""
        return self.filter(assurance_group=group, quarter=quarter).order_by("kind_order", "id")


class ChairReportItem(models.Model):
    """One point of an assurance group's chair's report to the Board for a quarter, on the NHS
    Alert / Advise / Assure model: what the committee alerts the Board to, advises it of, and
    assures it about. A point may cite the deliverables (and so the group's reviews of them)
    and the key indicators it rests on. The quarter's board report holds the group's points as
    they stand when the quarter closes (reporting.board_report.data)."""

    class Kind(models.TextChoices):
        ALERT = "alert", "Alert"
        ADVISE = "advise", "Advise"
        ASSURE = "assure", "Assure"

    KIND_ORDER = {Kind.ALERT: 1, Kind.ADVISE: 2, Kind.ASSURE: 3}
    KIND_MEANINGS = {
        Kind.ALERT: "Matters of concern, non-compliance or risk the Board needs to act on.",
        Kind.ADVISE: "Matters the committee is keeping under review or has asked more about.",
        Kind.ASSURE: "Matters where the committee is assured that controls and delivery work.",
    }

    assurance_group = models.ForeignKey(
        AssuranceGroup, on_delete=models.PROTECT, related_name="chair_report_items"
    )
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="chair_report_items"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    # Kept from `kind`, so the report's order (Alert, Advise, Assure) is one ORDER BY.
    kind_order = models.PositiveSmallIntegerField(editable=False, default=1)
    text = models.TextField("what the committee reports", validators=[MaxLengthValidator(2000)])
    deliverables = models.ManyToManyField(
        Deliverable, related_name="chair_report_items", blank=True
    )
    measures = models.ManyToManyField(
        "objectives.Measure", related_name="chair_report_items", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[deliverables, measures])
    objects = ChairReportItemQuerySet.as_manager()

    class Meta:
        ordering = ["quarter_id", "assurance_group_id", "kind_order", "id"]
        verbose_name = "chair's report item"

    def __str__(self):
        return f"{self.assurance_group} {self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.kind_order = self.KIND_ORDER.get(self.kind, 9)
        super().save(*args, **kwargs)


# The Board Assurance Framework's models live in their own module (assurance/baf); importing
# them here is what registers them with this app.
from assurance.baf.models import (  # noqa: E402, F401
    GapNote,
    PrincipalRisk,
    RiskAssurance,
    RiskCommitteeView,
    RiskControl,
    RiskScore,
)
