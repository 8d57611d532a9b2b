import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from objectives.quarters import (
    QUARTER_NUMBERS,
    QuarterDates,
    parse_financial_year,
    quarter_for_date,
)


class PlanQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-start_date")

    def latest_plan(self):
        """The plan whose year starts last, or None when there is no plan yet."""
        return self.latest_first().first()


class Plan(models.Model):
    title = models.CharField(max_length=200)
    financial_year = models.CharField(
        max_length=7, unique=True, help_text="Two consecutive years, for example 2021/22."
    )
    start_date = models.DateField(help_text="1 April of the first year.")

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self):
        return f"{self.title} ({self.financial_year})"

    def clean(self):
        try:
            first_year = parse_financial_year(self.financial_year)
        except ValidationError as error:
            raise ValidationError({"financial_year": error}) from None
        expected = datetime.date(first_year, 4, 1)
        if self.start_date and self.start_date != expected:
            raise ValidationError(
                {
                    "start_date": (
                        f"A {self.financial_year} plan starts on {expected:%-d %B %Y}, "
                        "the first day of the financial year."
                    )
                }
            )

    @property
    def first_year(self) -> int:
        return self.start_date.year

    def quarter_dates(self, number: int) -> QuarterDates:
        return QuarterDates(self.first_year, number)

    def quarter_number_on(self, day: datetime.date) -> int | None:
        """The quarter of this plan that contains `day`, or None if the day is outside it."""
        first_year, number = quarter_for_date(day)
        return number if first_year == self.first_year else None

    def ensure_quarters(self):
        """Create any of the plan's four quarters that do not exist yet."""
        existing = set(self.quarters.values_list("number", flat=True))
        Quarter.objects.bulk_create(
            [Quarter(plan=self, number=n) for n in QUARTER_NUMBERS if n not in existing]
        )


class Quarter(models.Model):
    """One NHS financial-year quarter of a plan: Q1 April–June ... Q4 January–March."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quarters")
    number = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in QUARTER_NUMBERS])

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="quarter_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=4), name="quarter_number_1_to_4"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def dates(self) -> QuarterDates:
        return self.plan.quarter_dates(self.number)

    @property
    def start(self) -> datetime.date:
        return self.dates.start

    @property
    def end(self) -> datetime.date:
        return self.dates.end

    @property
    def label(self) -> str:
        return self.dates.label

    @property
    def short_label(self) -> str:
        return f"Q{self.number}"


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="theme_number_unique_in_plan"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="theme_number_positive"),
        ]

    def __str__(self):
        return f"Theme {self.number}: {self.title}"


class Objective(models.Model):
    # The plan is stored as well as the theme so that the database can keep objective numbers
    # unique within a plan; clean() keeps it equal to the theme's plan.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="objective_number_unique_in_plan"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="objective_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def clean(self):
        if not self.theme_id:
            return
        if not self.plan_id:
            self.plan_id = self.theme.plan_id
        elif self.theme.plan_id != self.plan_id:
            raise ValidationError({"theme": "Choose a theme from the same plan as the objective."})


class KeyIndicator(models.Model):
    class Perspective(models.TextChoices):
        CORPORATE = "corporate", "Corporate"
        STAFF = "staff", "Staff"
        PATIENT = "patient", "Patient"

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="key_indicators"
    )
    perspective = models.CharField(max_length=10, choices=Perspective.choices)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    is_incomplete = models.BooleanField(
        "text cut off in the source",
        default=False,
        help_text="The plan's text stops mid-sentence; it is kept exactly as written.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "order"], name="key_indicator_order_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_perspective_display()}: {self.text}"
