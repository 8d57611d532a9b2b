from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Concat
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deliverables import extensions
from deliverables.models.owners import Owner
from deliverables.models.updates import SignOff, StatusUpdate, UpdateDraft
from deliverables.positions import (
    AWAITING,
    COMPLETE_TO_DATE,
    OWED,
)
from deliverables.queries import (
    NATURAL_ORDER,
    as_expression,
    flag,
    overdue_condition,
    quarter_ids,
    score,
    standing_in,
    stored_position,
)
from deliverables.queue import QUEUE_GROUPS, with_queue_groups
from deliverables.search import REFERENCE_RE, UPDATE_SEARCH_FIELDS, text_match, update_place
from objectives.models import Objective, Plan
from objectives.quarters import parse_delivery_window


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
        before = quarter_ids(quarter).get(quarter.number - 1)
        return (
            self.annotate(**standing_in("now", quarter.pk), **standing_in("before", before))
            .annotate(
                status_now=models.F("standing_now__status"),
                status_before=models.F("standing_before__status")
                if before
                else models.Value(None, output_field=models.CharField()),
                position=stored_position("standing_now"),
            )
            .annotate(score_now=score("status_now"), score_before=score("status_before"))
            .annotate(
                is_due=flag(models.Q(position__in=OWED)),
                is_overdue=flag(overdue_condition(quarter)),
                is_complete=flag(models.Q(position__in=COMPLETE_TO_DATE)),
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
        """Owed an update in `quarter`, whether given yet or not (annotated as with_status_in).
        Only the quarter's own plan's work can be: said, so that the database reads that plan's
        deliverables, not every year's (issue 32: My updates took twice as long on ten years
        of history, scanning them all for a stored position)."""
        # Owed, said on the stored position itself rather than through `is_due`, whose
        # COALESCE hides from PostgreSQL that a row without a position is never due (it then
        # joined every year's deliverables to the quarter's positions, outer, before filtering).
        # Said so, the join is an inner one, read from the quarter's positions; and said once,
        # or PostgreSQL multiplies the two guesses and expects too few rows to hash (issue 32).
        return (
            self.in_plan_of(quarter)
            .with_status_in(quarter)
            .alias(stored_now=models.F("standing_now__position"))
            .filter(stored_now__in=OWED)
        )

    def awaiting_update_in(self, quarter):
        """Owed an update in `quarter` and not given yet: what reminders chase."""
        return self.in_plan_of(quarter).with_status_in(quarter).filter(position__in=AWAITING)

    def in_plan_of(self, quarter):
        return self.filter(objective__plan_id=quarter.plan_id)

    def with_positions(self, quarters):
        """Annotate status_q<N> and position_q<N> for each quarter: the RAG grid and timeline."""
        joins, columns = {}, {}
        for q in quarters:
            joins |= standing_in(f"q{q.number}", q.pk)
            columns[f"status_q{q.number}"] = models.F(f"standing_q{q.number}__status")
            columns[f"position_q{q.number}"] = stored_position(f"standing_q{q.number}")
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
        overdue (past its window, not finished, and nothing written this quarter), then
        missing, then done. A deliverable updated this quarter is done, past its window or not
        (the row says so): the banner's counts and the table's groups follow one rule (issue
        27). Needs `with_status_in(quarter)` first."""
        written = StatusUpdate.objects.filter(
            deliverable=models.OuterRef("pk"), quarter=quarter
        ).exclude(sign_off=SignOff.RETURNED)
        return self.annotate(is_written=models.Exists(written)).annotate(
            queue_rank=models.Case(
                models.When(is_written=True, then=models.Value(2)),
                models.When(is_overdue=True, then=models.Value(0)),
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
        if not user.is_authenticated:
            return self.none()
        linked = Owner.users.through.objects.filter(owner=models.OuterRef("pk"), user=user)
        owners = dict(
            Owner.objects.annotate(mine=models.Exists(linked))
            .filter(models.Q(mine=True) | models.Q(code=Owner.ALL_CODE))
            .values_list("pk", "mine")
        )
        if not any(owners.values()):
            return self.none()
        # A subquery, not a join: a join needs DISTINCT over every column the page reads,
        # which at a hundred times the seed plan was most of My updates' query time. On the
        # owners' ids, read first, not through a join to the owners: PostgreSQL then finds
        # the links by index (on ten years of history that test was a third of the page).
        # EXISTS, not IN: SQLite searched each of the plan's objectives for every id of an
        # IN list of the owners' links (0.8 s at a hundred times the seed plan).
        owned = DeliverableOwner.objects.filter(
            deliverable=models.OuterRef("pk"), owner_id__in=owners
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
        if match := REFERENCE_RE.match(text):
            query = models.Q(objective__number=int(match["objective"]))
            if match["number"]:
                query &= models.Q(number=int(match["number"]))
            return self.filter(query)
        places = [
            ("description", "the description", text_match(text, "description")),
            ("objective", "the objective", text_match(text, "objective__title")),
            *[update_place(text, field, label) for field, label in UPDATE_SEARCH_FIELDS],
            *also,
        ]
        # Where it matched, as "the description; an update's risks; ": one column, so a list
        # says why each row is there at no extra query.
        found = Concat(
            *[
                models.Case(
                    models.When(condition, then=Concat(as_expression(label), models.Value("; "))),
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
    def reference_with_year(self) -> str:
        """ "5.2 (2026/27)": where a title or list shows deliverables of more than one year."""
        return f"{self.reference} ({self.objective.plan.financial_year})"

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
