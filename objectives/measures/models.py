"""Measures: a key indicator's values over time, read as an SPC chart (ADR 11)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Prefetch
from simple_history.models import HistoricalRecords

from objectives.measures import series, spc
from objectives.quarters import (
    LATEST_YEAR,
    financial_year_label,
)
from objectives.roles import is_plan_admin


class MeasureQuerySet(models.QuerySet):
    def with_values(self):
        """Measures with their objective, theme and values in three queries, however many values
        there are (the pages that chart them must not grow with the data)."""
        return self.select_related("indicator__objective__theme", "data_owner").prefetch_related(
            Prefetch("values", queryset=MeasureValue.objects.order_by("period"))
        )

    def in_plan(self, plan):
        """The measures of the plan's key indicators: a measure continues along its indicator's
        line across plan years (a roll-over moves it to the new year's copy), so every year the
        line passes through finds the one series."""
        indicators = self.model._meta.get_field("indicator").related_model.objects
        return self.filter(
            indicator__line__in=indicators.filter(objective__plan=plan).values("line")
        )

    def for_objective(self, objective):
        return self.filter(indicator__line__in=objective.key_indicators.values("line"))

    def kept_by(self, user):
        """The measures whose values `user` keeps (is the data owner of), with the period of
        each one's latest value as `latest_period` (None without values)."""
        if not user.is_authenticated:
            return self.none()
        return (
            self.filter(data_owner=user)
            .select_related("indicator__objective")
            .annotate(latest_period=models.Max("values__period"))
        )

    def editable_by(self, user):
        if is_plan_admin(user):
            return self
        return self.filter(data_owner=user) if user.is_authenticated else self.none()


class Measure(models.Model):
    """A key indicator made measurable: its values over time, read as an SPC chart."""

    class Direction(models.TextChoices):
        INCREASE = spc.Direction.INCREASE.value, "Higher is better"
        DECREASE = spc.Direction.DECREASE.value, "Lower is better"
        NEUTRAL = spc.Direction.NEUTRAL.value, "Neither (no better direction)"

    class Frequency(models.TextChoices):
        MONTHLY = series.MONTHLY, "Monthly"
        QUARTERLY = series.QUARTERLY, "Quarterly"

    indicator = models.OneToOneField(
        "objectives.KeyIndicator",
        on_delete=models.CASCADE,
        related_name="measure",
        help_text="The plan's key indicator this measures; its text is the description.",
    )
    name = models.CharField(max_length=200, help_text="Short, for charts and tables.")
    unit = models.CharField(max_length=40, blank=True, help_text="For example %, days or patients.")
    direction = models.CharField("improvement direction", max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="monthly")
    data_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        help_text="Enters and uploads the values (plan administrators can too).",
    )
    baseline_points = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text="Freeze each segment's limits on its first N points; empty: all points.",
    )

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__objective__plan_id", "indicator__objective__number", "name"]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return self.indicator.text

    @property
    def objective(self):
        return self.indicator.objective

    def can_enter_values(self, user) -> bool:
        """The data owner, while they are active and hold a role (every role reads measures),
        or a plan administrator."""
        if not (user.is_authenticated and user.is_active):
            return False
        if is_plan_admin(user):
            return True
        return user.pk == self.data_owner_id and user.has_perm("objectives.view_measure")

    def period_display(self, period) -> str:
        return series.period_display(period, self.frequency)

    @property
    def latest_period_display(self) -> str:
        latest = getattr(self, "latest_period", None)
        return self.period_display(latest) if latest else ""

    @property
    def next_period_display(self) -> str:
        """The period whose value comes next, after `latest_period` (from `kept_by`)."""
        latest = getattr(self, "latest_period", None)
        if not latest or latest.year >= LATEST_YEAR:
            # No next period to ask for past the years a measure holds (a value for December
            # 9999, stored before periods were bounded, made every visit to My updates a 500).
            return ""
        return self.period_display(series.next_period(latest, self.frequency))

    def compare(self, rows) -> list[dict]:
        """What saving `rows` ((period, value) pairs) would do to each period: for the upload's
        preview."""
        existing = {v.period: v.value for v in self.values.all()}
        changes = []
        for period, value in rows:
            old = existing.get(period)
            change = "new" if old is None else "unchanged" if old == value else "changed"
            changes.append(
                {"period": self.period_display(period), "old": old, "new": value, "change": change}
            )
        return changes

    @transaction.atomic
    def record_values(self, rows, user) -> dict:
        """Save (period, value) pairs, or (period, value, starts_segment, note): all or none.
        Each change is in the values' history; unchanged values are not saved again."""
        existing = {v.period: v for v in self.values.select_for_update()}
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for period, value, *extra in rows:
            found = existing.get(period) or MeasureValue(measure=self, period=period)
            before = (found.value, found.starts_segment, found.note)
            found.value = value
            if extra:
                found.starts_segment, found.note = extra
            if found.pk and before == (found.value, found.starts_segment, found.note):
                counts["unchanged"] += 1
                continue
            counts["changed" if found.pk else "new"] += 1
            found.entered_by = user
            found.full_clean()
            found.save()
        self.__dict__.pop("_analyses", None)
        return counts

    def values_until(self, until=None) -> list:
        """Its values in time order (prefetched with `with_values()`), up to a date if given:
        a board report shows the data as it stood at the quarter's end."""
        values = sorted(self.values.all(), key=lambda v: v.period)
        return [v for v in values if until is None or v.period <= until]

    def analysis(self, until=None) -> "spc.Analysis | None":
        """The SPC reading of its values; None without any. Kept on the instance: a page asks
        for it several times."""
        cache = self.__dict__.setdefault("_analyses", {})
        if until not in cache:
            values = self.values_until(until)
            cache[until] = (
                spc.analyse(
                    [v.value for v in values],
                    periods=[self.period_display(v.period) for v in values],
                    direction=self.direction,
                    target=self.target,
                    baseline=self.baseline_points,
                    recalculate_at=[i for i, v in enumerate(values) if v.starts_segment and i],
                )
                if values
                else None
            )
        return cache[until]

    def year_starts(self, until=None) -> list[tuple[int, str]]:
        """(index, "2026/27") for each value that begins a plan year of its indicator's line,
        after the first value: where the chart marks that a new year's plan took over (one
        query)."""
        if not hasattr(self, "_plan_starts"):
            with_plan_starts([self])
        starts = self._plan_starts
        values = self.values_until(until)
        return [
            (index, financial_year_label(value.period.year))
            for index, value in enumerate(values)
            if index and value.period in starts
        ]

    def concerns(self, until=None) -> list[str]:
        """Why this measure needs a look: the latest point is special-cause concern, or the
        target will consistently be missed. Empty when neither."""
        analysis = self.analysis(until)
        if analysis is None:
            return []
        found = []
        if analysis.variation.is_concern:
            side = "higher" if analysis.variation == spc.Variation.CONCERN_HIGH else "lower"
            found.append(f"special-cause concern ({side} values)")
        if analysis.assurance == spc.Assurance.FAIL:
            found.append("will consistently miss its target")
        return found

    def summary(self, until=None) -> dict:
        """JSON-ready, for the dashboard, the board report and its frozen snapshot."""
        analysis = self.analysis(until)
        latest = analysis.latest if analysis else None
        return {
            "id": self.pk,
            "name": self.name,
            "unit": self.unit,
            "description": self.description,
            "direction": self.get_direction_display(),
            "objective": self.objective.number,
            "theme": self.objective.theme.number,
            "theme_title": self.objective.theme.title,
            "latest_period": latest.period if latest else "",
            "latest_value": latest.value if latest else None,
            "target": float(self.target) if self.target is not None else None,
            "points": len(analysis.points) if analysis else 0,
            "variation": str(analysis.variation) if analysis else "",
            "assurance": str(analysis.assurance) if analysis and analysis.assurance else "",
            "concerns": self.concerns(until),
            "warnings": list(analysis.warnings) if analysis else [],
        }


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(help_text="The first day of the month or quarter.")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    starts_segment = models.BooleanField(
        "recalculate the limits from here",
        default=False,
        help_text="After a known change in the process; the limits before it are kept.",
    )
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure_id", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"], name="one_value_per_measure_and_period"
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value} in {self.measure.period_display(self.period)}"

    @property
    def label(self) -> str:
        return self.measure.period_display(self.period)

    def clean(self):
        if self.period and self.measure_id:
            start = (
                series.quarter_start(self.period)
                if self.measure.frequency == series.QUARTERLY
                else self.period.replace(day=1)
            )
            if start != self.period:
                raise ValidationError(
                    {"period": "Give the first day of the month (or of the quarter)."}
                )


def with_plan_starts(measures) -> list:
    """Give each measure the first days of the plan years its indicator's line runs through, for
    its chart's year marks: one query for a page of charts, however many."""
    measures = list(measures)
    if not measures:
        return measures
    indicators = type(measures[0].indicator).objects
    starts: dict = {}
    for line, start in indicators.filter(line__in={m.indicator.line for m in measures}).values_list(
        "line", "objective__plan__start_date"
    ):
        starts.setdefault(line, set()).add(start)
    for measure in measures:
        measure._plan_starts = starts.get(measure.indicator.line, set())
    return measures
