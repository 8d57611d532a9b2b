import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from objectives.models import Objective, Plan
from objectives.quarters import parse_delivery_window


class Owner(models.Model):
    """An executive owner as the plan abbreviates them (CFO, CDO...), with the people who act."""

    ALL_CODE = "ALL"

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(
        "full title",
        max_length=200,
        blank=True,
        help_text="Left blank where the plan does not give it; complete it when known.",
    )
    in_plan_key = models.BooleanField(
        "named in the plan's key",
        default=True,
        help_text="Off for codes the plan's table uses but its key of abbreviations leaves out.",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="owners",
        blank=True,
        help_text="The executive and any delegates who write this owner's updates.",
    )

    history = HistoricalRecords(m2m_fields=[users])

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def full_title(self) -> str:
        return self.title or "Full title not given in the plan"


_REFERENCE_RE = re.compile(r"^\s*(?P<objective>\d+)(?:\.(?P<number>\d+)?)?\s*$")


class DeliverableQuerySet(models.QuerySet):
    def in_plan(self, plan: Plan):
        return self.filter(objective__plan=plan)

    def natural_order(self):
        """1.2 before 1.10, 9.4 before 10.1: ordered by the numbers, not the text."""
        return self.order_by("objective__plan_id", "objective__number", "number")

    def with_plan_details(self):
        """Everything a list of deliverables shows, in a fixed number of queries."""
        return self.select_related("objective__theme", "objective__plan").prefetch_related(
            models.Prefetch(
                "owner_links", queryset=DeliverableOwner.objects.select_related("owner")
            ),
            models.Prefetch(
                "group_links",
                queryset=DeliverableAssuranceGroup.objects.select_related("assurance_group"),
            ),
        )

    def search(self, text: str):
        """Free text: a reference ("6" for a whole objective, "6.4") or words in the text."""
        text = (text or "").strip()
        if not text:
            return self
        if match := _REFERENCE_RE.match(text):
            query = models.Q(objective__number=int(match["objective"]))
            if match["number"]:
                query &= models.Q(number=int(match["number"]))
            return self.filter(query)
        return self.filter(
            models.Q(description__icontains=text) | models.Q(objective__title__icontains=text)
        )


class Deliverable(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="deliverables")
    number = models.PositiveSmallIntegerField(
        help_text="The part of the reference after the dot: 4 in 6.4."
    )
    description = models.TextField(
        help_text="As the plan words it. Lines starting with “• ” are shown as a bulleted list."
    )
    delivery = models.CharField(
        "delivery window",
        max_length=30,
        help_text="As the plan writes it: Q1-4, Q2, Q1-Q3, From Q1.",
    )
    start_quarter = models.PositiveSmallIntegerField(editable=False)
    end_quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="Empty when the window is open-ended."
    )
    # Links keep the order the plan names them in ("ECN DCA": ECN first).
    owners = models.ManyToManyField(Owner, through="DeliverableOwner", related_name="deliverables")
    # The one reference from this app to the assurance app, by name only, so that the plan is
    # edited in one admin form (docs/adr/0002-deliverable-links-to-owners-and-groups.md).
    assurance_groups = models.ManyToManyField(
        "assurance.AssuranceGroup", through="DeliverableAssuranceGroup", related_name="deliverables"
    )

    history = HistoricalRecords()
    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["objective__plan_id", "objective__number", "number"]
        constraints = [
            # With objective numbers unique in a plan, this keeps references unique in a plan.
            models.UniqueConstraint(
                fields=["objective", "number"], name="deliverable_reference_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="deliverable_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(start_quarter__gte=1, start_quarter__lte=4),
                name="deliverable_start_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(end_quarter__isnull=True)
                | models.Q(end_quarter__gte=models.F("start_quarter"), end_quarter__lte=4),
                name="deliverable_end_quarter_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.short_description}"

    def clean(self):
        """Derive the start and end quarter from the delivery label as written."""
        try:
            window = parse_delivery_window(self.delivery)
        except ValidationError as error:
            raise ValidationError({"delivery": error}) from None
        self.start_quarter, self.end_quarter = window.start, window.end

    @property
    def reference(self) -> str:
        return f"{self.objective.number}.{self.number}"

    @property
    def short_description(self) -> str:
        first_line = self.description.splitlines()[0] if self.description else ""
        return first_line if len(first_line) <= 80 else first_line[:77].rstrip() + "…"

    @property
    def is_open_ended(self) -> bool:
        return self.end_quarter is None

    @property
    def ordered_owners(self) -> list[Owner]:
        """Owners in the plan's order (prefetch with `with_plan_details`)."""
        return [link.owner for link in self.owner_links.all()]

    @property
    def ordered_assurance_groups(self) -> list:
        """Assurance groups in the plan's order (prefetch with `with_plan_details`)."""
        return [link.assurance_group for link in self.group_links.all()]

    def in_window(self, quarter: int) -> bool:
        return quarter >= self.start_quarter and (
            self.end_quarter is None or quarter <= self.end_quarter
        )


class DeliverableOwner(models.Model):
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="owner_links"
    )
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="deliverable_links")
    position = models.PositiveSmallIntegerField(
        default=1, help_text="Where the plan names this owner: 1 for the first."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "owner"
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "owner"], name="deliverable_owner_once"),
        ]

    def __str__(self):
        return str(self.owner)


class DeliverableAssuranceGroup(models.Model):
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="group_links"
    )
    assurance_group = models.ForeignKey(
        "assurance.AssuranceGroup", on_delete=models.PROTECT, related_name="deliverable_links"
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
