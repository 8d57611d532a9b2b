import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deliverables import extensions
from deliverables.positions import (
    AWAITING,
    COMPLETE_TO_DATE,
    OWED,
    UNFINISHED,
    Position,
)
from deliverables.status import (
    NARRATIVE_MAX,
    NEEDS_DATE,
    NEEDS_REASON,
    RATING_BASIS,
    SCORE,
    TAG_CLASSES,
    TEXT_MAX,
    Status,
)
from objectives.models import Objective, Plan
from objectives.quarters import parse_delivery_window

# Theme, objective, deliverable, by the numbers (Deliverable.objects.natural_order).
NATURAL_ORDER = ("objective__plan_id", "objective__theme__number", "objective__number", "number")


class OwnerQuerySet(models.QuerySet):
    def delegated_to(self, user):
        """The Owners `user` writes updates for as a delegate (not as their executive)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(users=user).exclude(executive=user).select_related("executive")


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
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="executive_of",
        help_text=(
            "The executive themself: where a plan asks for sign-off, they approve their "
            "delegates' updates. The other people above are delegates."
        ),
    )

    history = HistoricalRecords(m2m_fields=[users])
    objects = OwnerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def full_title(self) -> str:
        return self.title or "Full title not given in the plan"


_REFERENCE_RE = re.compile(r"^\s*(?P<objective>\d+)(?:\.(?P<number>\d+)?)?\s*$", re.ASCII)


def _quarter_ids(quarter) -> dict[int, int]:
    """The plan's quarter ids by number, fetched once per quarter object. Subqueries filter on
    quarter ids directly, with no join to the quarter table (see docs/performance.md)."""
    if not hasattr(quarter, "_plan_quarter_ids"):
        from objectives.models import Quarter

        quarter._plan_quarter_ids = dict(
            Quarter.objects.filter(plan_id=quarter.plan_id).values_list("number", "id")
        )
    return quarter._plan_quarter_ids


def _standing_in(name, quarter_id) -> dict:
    """A join to the deliverable's stored position in one quarter, as `standing_<name>` (none
    without a quarter)."""
    if quarter_id is None:
        return {}
    condition = models.Q(standings__quarter_id=quarter_id)
    return {f"standing_{name}": models.FilteredRelation("standings", condition=condition)}


def _stored_position(join):
    # Rows are stored for every quarter of the deliverable's own plan; in another plan's
    # quarter there is none, and it is not in its window there.
    return Coalesce(
        models.F(f"{join}__position"),
        models.Value(Position.NOT_IN_WINDOW),
        output_field=models.CharField(),
    )


def overdue_condition(quarter, position_field: str = "position") -> models.Q:
    """The one statement of "overdue": past the end of its window and not finished."""
    return past_window_condition(quarter) & models.Q(**{f"{position_field}__in": UNFINISHED})


def past_window_condition(quarter) -> models.Q:
    """The quarter is after the end of the delivery window (`Deliverable.is_past_window_in` in
    Python). An open-ended window is never past, and the test stays false, not NULL, in SQL."""
    return models.Q(end_quarter__isnull=False, end_quarter__lt=quarter.number)


# An update's texts the deliverables list searches, with how a result says where it matched.
UPDATE_SEARCH_FIELDS = [("narrative", "progress"), ("risks", "risks"), ("next_steps", "next steps")]


def text_match(text: str, field: str) -> models.Q:
    """Words in a text field: PostgreSQL's full-text search (stemmed English: "delays" finds
    "delayed") or, on SQLite, a plain case-insensitive containment; both also find a part of a
    word."""
    contains = models.Q(**{f"{field}__icontains": text})
    if connection.vendor != "postgresql":
        return contains
    from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact

    words = SearchQuery(text, config="english", search_type="websearch")
    return contains | models.Q(SearchVectorExact(SearchVector(field, config="english"), words))


def _updates_matching(text, field):
    return (
        StatusUpdate.objects.submitted()
        .filter(deliverable=models.OuterRef("pk"))
        .filter(text_match(text, field))
    )


def _update_place(text, field, label):
    """(name, label, condition) for a search in updates: the label names the latest quarter
    whose update matched ("the Q2 update's risks")."""
    matching = _updates_matching(text, field)
    latest = models.Subquery(matching.order_by("-quarter__number").values("quarter__number")[:1])
    where = Concat(
        models.Value("the Q"),
        Cast(latest, output_field=models.CharField()),
        models.Value(f" update's {label}"),
        output_field=models.CharField(),
    )
    return (field, where, models.Exists(matching))


def _text(label):
    return label if hasattr(label, "resolve_expression") else models.Value(label)


def _flag(condition) -> models.ExpressionWrapper:
    return models.ExpressionWrapper(condition, output_field=models.BooleanField())


def _score(field: str):
    """A status as a number on the delivery scale (Red 1 ... Complete 4), else None."""
    return models.Case(
        *[
            models.When(**{field: status}, then=models.Value(score))
            for status, score in SCORE.items()
        ],
        default=models.Value(None),
        output_field=models.IntegerField(),
    )


# My updates' groups, in the order it lists them.
QUEUE_GROUPS = ("overdue", "missing", "done")


def queue_group(deliverable) -> str:
    """Which group of My updates a row is in (annotated by `with_queue_place`)."""
    return QUEUE_GROUPS[deliverable.queue_rank]


def with_queue_groups(rows) -> list:
    """Rows of `queue` (all, or a page of them) as a list, each with its `queue_group`."""
    rows = list(rows)
    for row in rows:
        row.queue_group = queue_group(row)
    return rows


class DeliverableQuerySet(models.QuerySet):
    def in_plan(self, plan: Plan):
        return self.filter(objective__plan=plan)

    def natural_order(self):
        """The one order of every list, grid, export, queue and report (issue 26: the list was
        by objective, the RAG grid by theme): the plan's own structure, as the dashboard, the
        board report and the plan page group it, by theme, then objective, then deliverable,
        by the numbers, not the text (1.2 before 1.10). A theme's objectives need not be
        numbered together: objectives 1 to 4 sit under themes 3, 1 and 2 (ADR 1)."""
        return self.order_by(*NATURAL_ORDER)

    def with_plan_details(self):
        """Everything a list of deliverables shows, in a fixed number of queries."""
        return self.select_related("objective__theme", "objective__plan").prefetch_related(
            models.Prefetch(
                "owner_links", queryset=DeliverableOwner.objects.select_related("owner")
            ),
            # What the apps above add to every list (assurance: its groups), registered by them.
            *extensions.list_prefetches(),
        )

    # A deliverable's position in a quarter is `positions.position_of`, stored in `Standing`
    # (ADR 15); every reader below joins the stored result.

    def with_status_in(self, quarter):
        """Annotate each row with its position in `quarter`, for every page and export:

        position (deliverables.positions.Position), status_now (None if no update),
        status_before (last quarter's), is_due (owed an update), is_overdue (past its window and
        not finished), is_complete (complete in this or an earlier quarter), and trend (improved
        / sustained / deteriorated, where both quarters have a rated status).
        """
        before = _quarter_ids(quarter).get(quarter.number - 1)
        return (
            self.annotate(**_standing_in("now", quarter.pk), **_standing_in("before", before))
            .annotate(
                status_now=models.F("standing_now__status"),
                status_before=models.F("standing_before__status")
                if before
                else models.Value(None, output_field=models.CharField()),
                position=_stored_position("standing_now"),
            )
            .annotate(score_now=_score("status_now"), score_before=_score("status_before"))
            .annotate(
                is_due=_flag(models.Q(position__in=OWED)),
                is_overdue=_flag(overdue_condition(quarter)),
                is_complete=_flag(models.Q(position__in=COMPLETE_TO_DATE)),
                trend=models.Case(
                    models.When(
                        models.Q(score_now__isnull=True) | models.Q(score_before__isnull=True),
                        then=models.Value(None),
                    ),
                    models.When(
                        score_now__gt=models.F("score_before"), then=models.Value("improved")
                    ),
                    models.When(
                        score_now__lt=models.F("score_before"), then=models.Value("deteriorated")
                    ),
                    default=models.Value("sustained"),
                    output_field=models.CharField(),
                ),
            )
        )

    def requiring_update_in(self, quarter):
        """Owed an update in `quarter`, whether given yet or not (annotated as with_status_in)."""
        return self.with_status_in(quarter).filter(is_due=True)

    def awaiting_update_in(self, quarter):
        """Owed an update in `quarter` and not given yet: what reminders chase."""
        return self.with_status_in(quarter).filter(position__in=AWAITING)

    def with_positions(self, quarters):
        """Annotate status_q<N> and position_q<N> for each quarter: the RAG grid and timeline."""
        joins, columns = {}, {}
        for q in quarters:
            joins |= _standing_in(f"q{q.number}", q.pk)
            columns[f"status_q{q.number}"] = models.F(f"standing_q{q.number}__status")
            columns[f"position_q{q.number}"] = _stored_position(f"standing_q{q.number}")
        return self.annotate(**joins).annotate(**columns)

    def with_update_in(self, quarter, pending=False):
        """Attach `quarter_update` (or None) and `previous_update` (or None) to each row: the
        submitted ones, or with `pending` (for the people who write it) this quarter's whatever
        its sign-off."""
        previous = quarter.previous()
        this_quarter = StatusUpdate.objects.filter(quarter=quarter)
        return self.prefetch_related(
            models.Prefetch(
                "updates",
                queryset=(this_quarter if pending else this_quarter.submitted()).with_people(),
                to_attr="quarter_updates",
            ),
            models.Prefetch(
                "updates",
                queryset=StatusUpdate.objects.submitted().filter(quarter=previous).with_people()
                if previous
                else StatusUpdate.objects.none(),
                to_attr="previous_updates",
            ),
        )

    def with_queue_place(self, quarter):
        """Annotate `is_written` (an update is written, whatever its sign-off, and not returned
        for changes) and `queue_rank`, the index of its group of My updates in QUEUE_GROUPS:
        overdue ones stay first until finished, even once updated; then missing; then done.
        Needs `with_status_in(quarter)` first."""
        written = StatusUpdate.objects.filter(
            deliverable=models.OuterRef("pk"), quarter=quarter
        ).exclude(sign_off=SignOff.RETURNED)
        return self.annotate(is_written=models.Exists(written)).annotate(
            queue_rank=models.Case(
                models.When(is_overdue=True, then=models.Value(0)),
                models.When(is_written=True, then=models.Value(2)),
                default=models.Value(1),
            )
        )

    def queue(self, user, quarter):
        """What `user` owes in `quarter`, in the order My updates lists it: overdue first, then
        the missing ones, then those already given, each group in reference order. Annotated
        as by `with_status_in` and `with_queue_place`, and `has_draft` (a draft of theirs is
        waiting). A query: My updates pages it, and counts its groups in one aggregate."""
        drafts = UpdateDraft.objects.filter(
            deliverable=models.OuterRef("pk"), quarter=quarter, author=user
        )
        return (
            self.owed_by(user)
            .annotate(has_draft=models.Exists(drafts))
            .requiring_update_in(quarter)
            .with_queue_place(quarter)
            .order_by("queue_rank", *NATURAL_ORDER)
        )

    def with_queue_details(self, quarter):
        """What a row of My updates shows besides its place: names, this quarter's update
        (whatever its sign-off) and the last one."""
        return self.with_plan_details().with_update_in(quarter, pending=True)

    def queue_for(self, user, quarter) -> list:
        """The whole queue, with details and `queue_group` (My updates shows it a page at a
        time; reminders and tests read all of it)."""
        return with_queue_groups(self.queue(user, quarter).with_queue_details(quarter))

    def queue_counts(self, user, quarter) -> dict[str, int]:
        """How many of `user`'s queue are in each group: one aggregate query."""
        rows = (
            self.queue(user, quarter)
            .order_by()
            .values("queue_rank")
            .annotate(count=models.Count("pk"))  # `owed_by` is a subquery: no row twice
        )
        counts = dict.fromkeys(QUEUE_GROUPS, 0)
        counts |= {QUEUE_GROUPS[row["queue_rank"]]: row["count"] for row in rows}
        return counts

    def next_in_queue(self, user, quarter, after):
        """The first deliverable in `user`'s queue still without an update, other than `after`
        ("Save and go to the next"); None when every one is done."""
        following = self.queue(user, quarter).filter(is_written=False).exclude(pk=after.pk)
        return following.with_queue_details(quarter).first()

    def owed_by(self, user):
        """Deliverables whose updates this person owes: their Owners' (as executive or
        delegate), and those owned by ALL. A plan administrator may edit more, but owes only
        these."""
        mine = Owner.objects.filter(users=user) if user.is_authenticated else Owner.objects.none()
        if not mine.exists():
            return self.none()
        # A subquery, not a join: a join needs DISTINCT over every column the page reads,
        # which at a hundred times the seed plan was most of My updates' query time.
        owned = DeliverableOwner.objects.filter(deliverable=models.OuterRef("pk")).filter(
            models.Q(owner__in=mine) | models.Q(owner__code=Owner.ALL_CODE)
        )
        return self.filter(models.Exists(owned))

    def editable_by(self, user):
        """Deliverables whose updates this user may write: object-level access, in one place."""
        from objectives.roles import is_plan_admin

        if not user.is_authenticated:
            return self.none()
        if is_plan_admin(user):
            return self.all()
        if not user.has_perm("deliverables.change_statusupdate"):
            return self.none()
        # A deliverable owned by ALL is every executive owner's to update.
        return self.owed_by(user)

    def search(self, text: str, also=()):
        """Free text: a reference ("6" for a whole objective, "6.4"), or words found in the
        deliverable, its objective, or any of its updates' progress, risks or next steps.

        Each row found by words says where it matched (`Deliverable.search_hits`). A higher app
        adds its own places as `also`: (name, label, condition) triples, the condition a query
        expression over the deliverable row.
        """
        text = (text or "").strip()
        if not text:
            return self
        if match := _REFERENCE_RE.match(text):
            query = models.Q(objective__number=int(match["objective"]))
            if match["number"]:
                query &= models.Q(number=int(match["number"]))
            return self.filter(query)
        places = [
            ("description", "the description", text_match(text, "description")),
            ("objective", "the objective", text_match(text, "objective__title")),
            *[_update_place(text, field, label) for field, label in UPDATE_SEARCH_FIELDS],
            *also,
        ]
        # Where it matched, as "the description; an update's risks; ": one column, so a list
        # says why each row is there at no extra query.
        found = Concat(
            *[
                models.Case(
                    models.When(condition, then=Concat(_text(label), models.Value("; "))),
                    default=models.Value(""),
                    output_field=models.CharField(),
                )
                for _, label, condition in places
            ],
            models.Value(""),
            output_field=models.CharField(),
        )
        return self.annotate(search_found=found).exclude(search_found="")


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
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text="The deliverable of an earlier plan this one carries on (rolled over).",
    )
    # Assurance groups link here from the assurance app (`AssuranceGroup.deliverables`, through
    # `assurance.DeliverableAssuranceGroup`): this app never names the one above it. The reverse
    # names are `assurance_groups` and `group_links`.

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

    def get_absolute_url(self):
        # Lower apps' pages (an objective's) link here without naming this app's URLs.
        return reverse("deliverables:detail", args=[self.pk])

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
    def search_hits(self) -> list[str]:
        """Where a text search found this row (after `search`): "the description", ..."""
        return [part for part in getattr(self, "search_found", "").split("; ") if part]

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

    def can_be_signed_off_by(self, user) -> bool:
        """Whether `user` signs off updates of this deliverable: an executive of one of its
        Owners, or a plan administrator."""
        from objectives.roles import is_plan_admin

        return is_plan_admin(user) or self.owners.filter(executive=user).exists()

    def position_in(self, quarter) -> str:
        """This deliverable's position in `quarter`, read as every list reads it."""
        return (
            Deliverable.objects.with_status_in(quarter)
            .values_list("position", flat=True)
            .get(pk=self.pk)
        )

    def needs_update_in(self, quarter) -> bool:
        return self.position_in(quarter) in OWED

    def is_past_window_in(self, quarter) -> bool:
        """The quarter is after the end of the delivery window (never, for an open window);
        `past_window_condition` says the same in SQL."""
        return self.end_quarter is not None and quarter.number > self.end_quarter

    @property
    def quarter_update(self):
        """This quarter's update, after `with_update_in`."""
        return self.quarter_updates[0] if self.quarter_updates else None

    @property
    def previous_update(self):
        """Last quarter's update, after `with_update_in`."""
        return self.previous_updates[0] if self.previous_updates else None


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


class SignOff(models.TextChoices):
    """Where a plan asks for executive sign-off (Plan.requires_sign_off), a delegate's update
    waits for the executive's approval, and counts as not yet submitted until then."""

    NOT_NEEDED = "", "Not needed"
    AWAITING = "awaiting", "Awaiting sign-off"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Signed off"


# Each sign-off state's NHS.UK tag: the one table (issue 26: chosen in templates before).
SIGN_OFF_TAGS = {
    SignOff.AWAITING: "nhsuk-tag--yellow",
    SignOff.RETURNED: "nhsuk-tag--orange",
    SignOff.APPROVED: "nhsuk-tag--green",
}


# An update in one of these counts as submitted: roll-ups, reports, exports and reminders.
SUBMITTED = (SignOff.NOT_NEEDED, SignOff.APPROVED)


class StatusUpdateQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related("updated_by", "quarter", "signed_off_by")

    def submitted(self):
        return self.filter(sign_off__in=SUBMITTED)

    def awaiting_sign_off_by(self, user):
        """Updates waiting for `user`'s sign-off: their Owners' as executive (every one, for a
        plan administrator)."""
        from objectives.roles import is_plan_admin

        waiting = self.filter(sign_off=SignOff.AWAITING)
        if is_plan_admin(user):
            return waiting
        return waiting.filter(deliverable__owners__executive=user).distinct()


class StatusUpdate(models.Model):
    """An executive owner's update on one deliverable for one quarter of its plan."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="updates")
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="updates"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    narrative = models.TextField(
        "progress",
        validators=[MaxLengthValidator(NARRATIVE_MAX)],
        help_text=RATING_BASIS,
        error_messages={"blank": "Describe the progress made this quarter."},
    )
    reason_for_change = models.TextField(
        "reason for the change of status",
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX)],
    )
    risks = models.TextField(
        "risks and issues", blank=True, validators=[MaxLengthValidator(TEXT_MAX)]
    )
    next_steps = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    expected_date = models.DateField(
        "expected completion, recovery or deferral date", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)
    corrected_after_close = models.BooleanField(
        default=False,
        editable=False,
        help_text="An administrator changed this after its quarter closed.",
    )
    sign_off = models.CharField(
        max_length=10, choices=SignOff.choices, default=SignOff.NOT_NEEDED, blank=True
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    sign_off_comment = models.TextField(
        "comment on returning it",
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX)],
        help_text="Why the executive returned it, for the delegate.",
    )

    history = HistoricalRecords()
    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["deliverable_id", "quarter__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter"], name="one_update_per_deliverable_quarter"
            ),
        ]

    def __str__(self):
        return f"{self.deliverable.reference} Q{self.quarter.number}: {self.get_status_display()}"

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.status, "nhsuk-tag--grey")

    @property
    def sign_off_tag_class(self) -> str:
        return SIGN_OFF_TAGS.get(self.sign_off, "nhsuk-tag--grey")

    @property
    def is_submitted(self) -> bool:
        return self.sign_off in SUBMITTED

    @staticmethod
    def history_description(record) -> str:
        """How the deliverable page's history names a change to an update (a history record)."""
        verb = "created" if record.history_type == "+" else "changed"
        return f"Q{record.quarter.number} update {verb}"

    @staticmethod
    def history_for_readers(records):
        """The history records a reader who cannot write the update may see: those of text that
        counts (submitted). A delegate's text awaiting or returned from sign-off is the
        executive's and delegates' until approved, in history as everywhere else."""
        return records.filter(sign_off__in=SUBMITTED)

    def previous(self):
        """The same deliverable's update for the quarter before, if there is one."""
        return (
            StatusUpdate.objects.submitted()
            .filter(
                deliverable_id=self.deliverable_id,
                quarter__plan_id=self.quarter.plan_id,
                quarter__number=self.quarter.number - 1,
            )
            .select_related("quarter")
            .first()
        )

    def clean(self):
        errors = {}
        errors.update(self._quarter_errors())
        if self.narrative and not self.narrative.strip():
            # Empty is the field's own "blank" error; only whitespace needs saying here, once.
            errors["narrative"] = "Describe the progress made this quarter."
        previous = self.previous() if self.quarter_id else None
        reason = (self.reason_for_change or "").strip()
        if self.status in NEEDS_REASON and not reason:
            errors["reason_for_change"] = (
                f"Give the reason this deliverable is {self.get_status_display().lower()}."
            )
        elif previous and previous.status != self.status and not reason:
            errors["reason_for_change"] = (
                f"Give the reason the status changed from "
                f"{previous.get_status_display()} to {self.get_status_display()}."
            )
        errors.update(self._window_errors())
        errors.update(self._date_errors())
        if errors:
            raise ValidationError(errors)

    def _quarter_errors(self):
        # Not keyed on "quarter": forms never edit it, and a form cannot show a field it lacks.
        if not (self.quarter_id and self.deliverable_id):
            return {}
        deliverable = self.deliverable
        if self.quarter.plan_id != deliverable.objective.plan_id:
            return {NON_FIELD_ERRORS: "Choose a quarter of the deliverable's own plan."}
        if self.quarter.number < deliverable.start_quarter:
            return {
                NON_FIELD_ERRORS: (
                    f"{deliverable.reference} starts in Q{deliverable.start_quarter}: "
                    f"it has no update for Q{self.quarter.number}."
                )
            }
        if not deliverable.needs_update_in(self.quarter):
            return {
                NON_FIELD_ERRORS: (
                    f"{deliverable.reference} was completed or closed in an earlier quarter: "
                    f"it needs no update for Q{self.quarter.number}."
                )
            }
        return {}

    def _window_errors(self):
        # Green means "on track to deliver within the window": past the window it cannot be.
        if self.status != Status.GREEN or not (self.quarter_id and self.deliverable_id):
            return {}
        deliverable = self.deliverable
        if not deliverable.is_past_window_in(self.quarter):
            return {}
        return {
            "status": (
                f"{deliverable.reference}'s delivery window ended in Q{deliverable.end_quarter}, "
                "so it cannot be On track (Green), which means on track to deliver within the "
                "window. Choose At risk (Amber) or Off track (Red) with a recovery date, or "
                "Complete, Deferred or Closed."
            )
        }

    def _date_errors(self):
        if self.status in NEEDS_DATE and not self.expected_date:
            if self.status == Status.DEFERRED:
                return {"expected_date": "Enter the date this deliverable is deferred to."}
            return {
                "expected_date": (
                    f"Enter the expected completion or recovery date: it is needed when the "
                    f"status is {self.get_status_display()}."
                )
            }
        if not self.expected_date or not self.quarter_id:
            return {}
        quarter = self.quarter
        if self.expected_date < quarter.start:
            return {
                "expected_date": (
                    f"The expected date must be on or after {quarter.start:%-d %B %Y}, the "
                    f"start of {quarter.short_label}: a recovery date cannot be in the past."
                )
            }
        if self.status == Status.DEFERRED and self.expected_date <= quarter.end:
            return {
                "expected_date": (
                    f"A deferral moves the work past this quarter: enter a date after "
                    f"{quarter.end:%-d %B %Y}."
                )
            }
        if self.expected_date.year > quarter.end.year + 10:
            return {"expected_date": "Enter a date within the next ten years."}
        return {}


class UpdateDraftQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(author=user) if user.is_authenticated else self.none()


class UpdateDraft(models.Model):
    """What someone has typed into an update and not saved yet: kept on the server as they
    type, so it survives a closed tab, a lost connection or another device, and restored when
    they come back. Only its author sees it (only people who may edit the update can write one).
    A draft is never an update: no roll-up, report, export or reminder reads this model, and
    saving the update deletes it (`deliverables.services.status_update_save`)."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="drafts")
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.CASCADE, related_name="update_drafts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="update_drafts"
    )
    # The form's inputs as typed (names without the form's prefix), whether valid or not.
    data = models.JSONField(default=dict)
    # The update's version when the draft was typed: a newer one means someone saved since.
    base_version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(auto_now=True)

    objects = UpdateDraftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter", "author"], name="one_draft_per_author"
            ),
        ]

    def __str__(self):
        return f"Draft of {self.deliverable.reference} Q{self.quarter.number} by {self.author}"

    def is_older_than(self, update) -> bool:
        """Whether someone saved `update` after this draft was typed: the form warns of it, and
        saving the draft's version over the newer one is then a conflict."""
        return update is not None and update.pk is not None and update.version > self.base_version


class Standing(models.Model):
    """A deliverable's position in one quarter of its plan, stored (ADR 15).

    `positions.position_of` is the one statement of the rule; this table holds its result
    for every deliverable and every quarter of the deliverable's plan, so a page reads a
    position with a join instead of working out the rule for every row. It is kept
    current by `deliverables.standings` whenever an update, a deliverable, an objective or a
    quarter is saved or deleted, and `manage.py rebuild_positions` recomputes all of it.
    Derived data: nothing else writes it, and it is never edited.
    """

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="standings")
    quarter = models.ForeignKey("objectives.Quarter", on_delete=models.CASCADE, related_name="+")
    position = models.CharField(max_length=20, choices=Position.choices)
    # The status of the quarter's submitted update; NULL without one (readers test
    # `status_now is None`).
    status = models.CharField(max_length=12, choices=Status.choices, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter"], name="one_standing_a_quarter"
            )
        ]
        indexes = [models.Index(fields=["quarter", "position"], name="standing_quarter_position")]

    def __str__(self):
        return f"{self.deliverable_id} in quarter {self.quarter_id}: {self.position}"
