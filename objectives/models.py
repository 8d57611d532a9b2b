import dataclasses
import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from objectives.quarters import (
    QUARTER_NUMBERS,
    QuarterDates,
    financial_year_label,
    parse_financial_year,
)
from objectives.roles import is_plan_admin


class PlanQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-start_date")

    def latest_plan(self):
        """The plan whose year starts last, or None when there is no plan yet."""
        return self.latest_first().first()

    def current(self, today=None):
        """The plan pages show unless asked for another: the reporting quarter's
        (`Quarter.objects.current`), else the one whose financial year contains today, else the
        latest (None when there is no plan yet)."""
        # One a year: a handful of rows, in one query, each knowing whether it has an open one.
        plans = list(
            self.latest_first().annotate(
                reporting=models.Exists(
                    Quarter.objects.open().filter(plan_id=models.OuterRef("pk"))
                )
            )
        )
        wanted = this_financial_year(today)
        for found in (
            [p for p in plans if p.reporting and p.financial_year == wanted],
            [p for p in plans if p.reporting],  # the same order as Quarter.objects.current
            [p for p in plans if p.financial_year == wanted],
            plans,
        ):
            if found:
                return found[0]
        return None


def this_financial_year(today=None) -> str:
    """ "2026/27" for any day from 1 April 2026 to 31 March 2027."""
    today = today or timezone.localdate()
    return financial_year_label(today.year if today.month >= 4 else today.year - 1)


class Plan(models.Model):
    title = models.CharField(max_length=200)
    financial_year = models.CharField(
        max_length=7, unique=True, help_text="Two consecutive years, for example 2021/22."
    )
    start_date = models.DateField(help_text="1 April of the first year.")
    requires_sign_off = models.BooleanField(
        "executives sign off delegates' updates",
        default=False,
        help_text=(
            "On: an update written by a delegate waits for the executive's approval, and "
            "counts as not yet submitted until then."
        ),
    )

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        permissions = [("administer_plan", "Can run the plan: quarters, roles and corrections")]

    def __str__(self):
        return f"{self.title} ({self.financial_year})"

    @property
    def open_quarter(self):
        """The plan's open quarter, or None (read from prefetched quarters where there are)."""
        return next((quarter for quarter in self.quarters.all() if quarter.is_open), None)

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

    def ensure_quarters(self, deadlines=False):
        """Create any of the plan's four quarters that do not exist yet; with `deadlines`, each
        with its default deadline (the 15th of the month after it ends)."""
        existing = set(self.quarters.values_list("number", flat=True))
        Quarter.objects.bulk_create(
            [
                Quarter(
                    plan=self,
                    number=n,
                    deadline=self.quarter_dates(n).default_deadline if deadlines else None,
                )
                for n in QUARTER_NUMBERS
                if n not in existing
            ]
        )

    @property
    def next_financial_year(self) -> str:
        return financial_year_label(self.first_year + 1)

    @property
    def end_date(self) -> datetime.date:
        return datetime.date(self.first_year + 1, 3, 31)

    @cached_property
    def successor(self):
        """The next plan year, if the trust has started it."""
        return Plan.objects.filter(start_date__gt=self.start_date).order_by("start_date").first()

    def is_archived(self, today=None) -> bool:
        """Its year is over and the next plan has begun: history. Its quarters are not opened
        again (a closed one can still be corrected, and the correction is recorded), and the
        quarters it never opened were not reported (issue 27)."""
        today = today or timezone.localdate()
        return today > self.end_date and self.successor is not None

    @cached_property
    def archived(self) -> bool:
        return self.is_archived()


@dataclasses.dataclass(frozen=True)
class WriteAccess:
    """Whether a person may write (an update or a review) in a quarter, and how."""

    allowed: bool
    correction: bool = False  # a plan administrator's recorded change to a closed quarter
    reason: str = ""  # why not, in words for the person
    quarter_label: str = ""  # "Q2", for the correction's reason

    def mark(self, record) -> None:
        """Flag `record` (an update or a review about to be saved) as a correction after close,
        with the reason its history keeps, when that is what this write is: the one statement
        of it for every service that writes in a quarter."""
        if self.correction:
            record.corrected_after_close = True
            record._change_reason = (
                f"Corrected by a plan administrator after {self.quarter_label} closed"
            )


# What is written in a quarter, for the messages: updates (executives) or assurance (groups).
_WRITTEN = {
    "updates": "updates can only be made",
    "assurance": "assurance can only be recorded",
    "cover": "the board paper's cover can only be changed",
    "scores": "risk scores can only be recorded",
}


# Each quarter state's NHS.UK tag: the one table (issue 26: chosen in a template before).
QUARTER_STATE_TAGS = {"open": "nhsuk-tag--green", "closed": "nhsuk-tag--grey"}


class QuarterQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=Quarter.State.OPEN)

    def current(self, today=None):
        """The reporting quarter: the one rule for the pages' default, My updates and reminders
        (issue 26: they disagreed when two plans had an open quarter). The open quarter of the
        plan whose financial year contains today; else the open quarter of the latest plan that
        has one (last year's Q4 stays open into April, before the new plan's Q1 opens); None
        when no quarter is open. One query."""
        open_quarters = list(self.open().select_related("plan").order_by("-plan__start_date"))
        wanted = this_financial_year(today)
        return next(
            (q for q in open_quarters if q.plan.financial_year == wanted),
            open_quarters[0] if open_quarters else None,
        )

    def held_for_writing(self, pk):
        """The quarter as it stands now, held until the caller's transaction ends so that it
        cannot be closed or reopened in the meantime: every write in a quarter asks its
        `write_access` of this, inside its transaction, never of a copy loaded before it.

        A save that asked a copy loaded by the view could commit after the close had frozen
        the quarter's report: 39 of 54 racing saves did on SQLite, 7 of 76 on PostgreSQL
        (issue 25). On PostgreSQL the row is read FOR SHARE: writers in the same quarter do
        not wait for each other, and `quarter_close` (FOR UPDATE) waits for them, then they
        for it, and its report includes what they wrote. Taking this lock first also orders
        every writer's locks behind the quarter's, so a close refreshing the quarter's
        positions and a save refreshing one deliverable's cannot deadlock. SQLite's
        transactions already hold the database's write lock from their first statement
        (settings: IMMEDIATE), so the fresh read is enough there.
        """
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {Quarter._meta.db_table} WHERE id = %s FOR SHARE", [pk]
                )
        return self.select_related("plan").get(pk=pk)


class Quarter(models.Model):
    """One NHS financial-year quarter of a plan: Q1 April–June ... Q4 January–March.

    Each is also a reporting period: plan administrators open it for updates, set the deadline,
    and close it.
    """

    class State(models.TextChoices):
        UPCOMING = "upcoming", "Not open yet"
        OPEN = "open", "Open for updates"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quarters")
    number = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in QUARTER_NUMBERS])
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPCOMING)
    deadline = models.DateField(
        null=True, blank=True, help_text="The date executives' updates for this quarter are due."
    )
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = QuarterQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="quarter_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=4), name="quarter_number_1_to_4"
            ),
            # One reporting period at a time per plan: "the open quarter" is never ambiguous.
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(state="open"), name="one_open_quarter_per_plan"
            ),
        ]
        permissions = [
            ("correct_closed_quarter", "Can correct updates in a closed quarter"),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if (
            self.state == self.State.OPEN
            and Quarter.objects.open().filter(plan_id=self.plan_id).exclude(pk=self.pk).exists()
        ):
            raise ValidationError(
                {"state": "Another quarter of this plan is open. Close it before opening this one."}
            )

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def tag_class(self) -> str:
        return QUARTER_STATE_TAGS.get(self.state, "nhsuk-tag--white")

    @property
    def has_report(self) -> bool:
        """Opened at some time: a quarter never opened has no board report (issue 27)."""
        return self.state != self.State.UPCOMING

    @property
    def never_reported(self) -> bool:
        """Never opened, and never will be: its plan is archived."""
        return self.state == self.State.UPCOMING and self.plan.archived

    @property
    def state_label(self) -> str:
        """The state in words: "Not reported" for a quarter its archived plan never opened,
        rather than "Not open yet" for ever."""
        return "Not reported" if self.never_reported else self.get_state_display()

    def write_access(self, user, what: str = "updates") -> WriteAccess:
        """The one rule for writing in this quarter, for updates and reviews alike.

        Open: yes (who may write which row is the row's own rule: `editable_by`,
        `reviewable_by`). Closed: only a plan administrator with the correction permission, and
        then as a recorded correction; never the board paper's cover, which closing fixes with
        the report. Not open yet: nobody, administrators included.
        """
        if self.is_open:
            return WriteAccess(True)
        if self.is_closed and what == "cover":
            return WriteAccess(
                False,
                reason=f"{self.short_label} is closed: its cover is fixed with the report.",
            )
        if (
            self.is_closed
            and is_plan_admin(user)
            and user.has_perm("objectives.correct_closed_quarter")
        ):
            return WriteAccess(True, correction=True, quarter_label=self.short_label)
        reason = (
            f"{self.label} was not reported: {self.plan.financial_year} is archived."
            if self.never_reported
            else f"{self.label} is {self.get_state_display().lower()}: {_WRITTEN[what]} while "
            "a quarter is open."
        )
        if self.is_closed:
            reason += " Ask a plan administrator if this needs correcting."
        return WriteAccess(False, reason=reason)

    def previous(self):
        """The quarter before this one in the same plan, or None for Q1."""
        if self.number == 1:
            return None
        return Quarter.objects.filter(plan_id=self.plan_id, number=self.number - 1).first()

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
    # The indicator's line of descent across plan years: a roll-over's copy keeps its origin's
    # line, so a measure continues as one series, whichever year's page asks (issue 27).
    line = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)

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


# The measures' models live in their package; imported here so the app registers them.
from objectives.measures.models import Measure, MeasureQuerySet, MeasureValue  # noqa: E402, F401
