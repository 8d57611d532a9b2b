import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from assurance.models import (
    AssuranceGroup,
    AssuranceReview,
    DeliverableAssuranceGroup,
    Level,
    ReviewAction,
)
from common import revision
from deliverables import standings
from deliverables.models import (
    Deliverable,
    DeliverableOwner,
    Owner,
    StatusUpdate,
    UpdateDraft,
)
from deliverables.status import Status
from objectives.models import KeyIndicator, Measure, MeasureValue, Objective, Plan, Quarter, Theme
from objectives.quarters import financial_year_label

# The seed plan's shape: 9 themes, 20 objectives, 63 deliverables, ~5 key indicators an objective.
THEMES, OBJECTIVES, DELIVERABLES, INDICATORS = 9, 20, 63, 5
WINDOWS = [("Q1-4", 1, 4)] * 8 + [
    ("Q1-2", 1, 2),
    ("Q1-3", 1, 3),
    ("Q1", 1, 1),
    ("Q2", 2, 2),
    ("From Q1", 1, None),
]
OWNER_CODES = ["CDO", "CFO", "CIO", "COO", "CWIO", "ECN", "CMO", "CLO", "DCEO", "ALL"]
GROUP_CODES = ["DHG", "TWG", "SRIG", "CEAG", "COOG", "IC", "TOG", "CLOGG", "IHWGS", "SEPSG"]
STATUSES = [Status.GREEN] * 6 + [Status.AMBER, Status.AMBER, Status.RED, Status.NOT_STARTED]


class Command(BaseCommand):
    help = (
        "Create a synthetic plan N times the size of the seed plan, with its shape (themes, "
        "objectives, deliverables with owners and groups, four quarters of updates with history, "
        "reviews, committee actions, a measure for each objective, drafts in the open quarter and "
        "a board record for each closed quarter), plus N/10 further plans of the seed's size. "
        "--years Y makes Y plan years of that size, each rolled over from the one before (its "
        "deliverables carried on, its measures continuing one series), the latest one current. "
        "Reproducible from --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, required=True)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--latest-year",
            type=int,
            help="The current plan's first calendar year (default 2200 + factor): two sets of "
            "scale data in one database need different years.",
        )

    def handle(self, *args, factor, years, seed, latest_year=None, **options):
        if factor < 1 or factor > 1000:
            raise CommandError("--factor must be between 1 and 1000.")
        if years < 1 or years > 30:
            raise CommandError("--years must be between 1 and 30.")
        rng = random.Random(seed)
        with transaction.atomic():
            owners, groups, author = self._people()
            extra = factor // 10
            for i in range(extra):  # long before, so the big plan's years are the latest
                self._plan(2100 + i, 1, rng, owners, groups, author, f"Scale extra plan {i + 1}")
            first = (latest_year or 2200 + factor) - (years - 1)
            plan = None
            for year in range(first, first + years):
                # Each year's own numbers, counted back from the current one: the current year
                # is the same data whatever history comes before it (bench compares them).
                back = first + years - 1 - year
                plan = self._plan(
                    year,
                    factor,
                    random.Random(f"{seed}:{factor}:{back}"),
                    owners,
                    groups,
                    author,
                    f"Scale plan ×{factor}",
                    previous=plan,
                    current=year == first + years - 1,
                )
            self._measures(plan, first, years, rng, author)
            # Bulk inserts skip the signals that store positions and move the data revision on.
            scale = Quarter.objects.filter(plan__title__startswith="Scale")
            standings.refresh_quarters(scale)
            self._board_records(scale, author)
            revision.changed(revision.ALL)
        if connection.vendor == "postgresql":
            # As after any bulk load: the planner's statistics, which autovacuum would gather
            # minutes later, so that benchmarks run straight after see the plans they would.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan}: {plan.objectives.count()} objectives, "
                f"{Deliverable.objects.in_plan(plan).count()} deliverables, "
                f"{StatusUpdate.objects.filter(quarter__plan=plan).count()} updates; "
                f"{years} year(s) of it; plus {extra} further plan(s)."
            )
        )

    def _people(self):
        owners = [Owner.objects.get_or_create(code=code)[0] for code in OWNER_CODES]
        groups = [AssuranceGroup.objects.get_or_create(code=code)[0] for code in GROUP_CODES]
        author, _ = get_user_model().objects.get_or_create(username="scale-data")
        return owners, groups, author

    def _plan(self, year, factor, rng, owners, groups, author, title, previous=None, current=True):
        """A plan year. `current`: Q1–Q3 closed and Q4 open, some of its updates missing;
        otherwise a past year, every quarter closed. With a `previous` year of the same size,
        its deliverables are carried on from that year's and its indicators continue theirs."""
        financial_year = financial_year_label(year)
        if Plan.objects.filter(financial_year=financial_year).exists():
            raise CommandError(f"A plan for {financial_year} exists already: use a fresh database.")
        plan = Plan.objects.create(
            title=title, financial_year=financial_year, start_date=datetime.date(year, 4, 1)
        )
        plan.ensure_quarters()
        quarters = list(plan.quarters.order_by("number"))
        Quarter.objects.filter(plan=plan).update(state=Quarter.State.CLOSED)
        if current:
            Quarter.objects.filter(plan=plan, number=4).update(
                state=Quarter.State.OPEN, deadline=datetime.date(year + 1, 1, 15)
            )
        before = self._previous(previous)
        themes = bulk_create_with_history(
            [Theme(plan=plan, number=n, title=f"Theme {n}") for n in range(1, THEMES + 1)], Theme
        )
        objectives = bulk_create_with_history(
            [
                Objective(
                    plan=plan,
                    theme=themes[(n - 1) * THEMES // (OBJECTIVES * factor)],
                    number=n,
                    title=f"Objective {n}",
                )
                for n in range(1, OBJECTIVES * factor + 1)
            ],
            Objective,
        )
        bulk_create_with_history(
            [
                KeyIndicator(
                    objective=o,
                    perspective=rng.choice(["corporate", "staff", "patient"]),
                    text=f"Indicator {k}",
                    order=k,
                    **({"line": before["lines"][(o.number, k)]} if before else {}),
                )
                for o in objectives
                for k in range(1, INDICATORS + 1)
            ],
            KeyIndicator,
        )
        deliverables = []
        for i in range(DELIVERABLES * factor):
            objective = objectives[i * len(objectives) // (DELIVERABLES * factor)]
            label, start, end = rng.choice(WINDOWS)
            deliverables.append(
                Deliverable(
                    objective=objective,
                    number=sum(1 for d in deliverables[-5:] if d.objective is objective) + 1,
                    description=f"Deliver outcome {i + 1} of the scale plan.",
                    delivery=label,
                    start_quarter=start,
                    end_quarter=end,
                    carried_from_id=before["deliverables"][i] if before else None,
                )
            )
        deliverables = bulk_create_with_history(deliverables, Deliverable, batch_size=500)
        links, group_links = [], []
        for d in deliverables:
            for position, owner in enumerate(rng.sample(owners, rng.choice([1, 1, 1, 2])), start=1):
                links.append(DeliverableOwner(deliverable=d, owner=owner, position=position))
            for position, group in enumerate(rng.sample(groups, rng.choice([1, 1, 2])), start=1):
                group_links.append(
                    DeliverableAssuranceGroup(
                        deliverable=d, assurance_group=group, position=position
                    )
                )
        bulk_create_with_history(links, DeliverableOwner, batch_size=1000)
        bulk_create_with_history(group_links, DeliverableAssuranceGroup, batch_size=1000)
        updates, reviews = [], []
        first_group = {
            link.deliverable_id: link.assurance_group_id for link in reversed(group_links)
        }
        for d in deliverables:
            for quarter in quarters:
                if quarter.number < d.start_quarter:
                    continue
                if current and quarter.number == 4 and rng.random() < 0.4:
                    continue  # Q4 is open: some updates are still missing
                status = rng.choice(STATUSES)
                updates.append(
                    StatusUpdate(
                        deliverable=d,
                        quarter=quarter,
                        status=status,
                        narrative=f"Progress on {d.delivery} work, quarter {quarter.number}.",
                        reason_for_change="Synthetic change.",
                        expected_date=quarter.dates.end + datetime.timedelta(days=60)
                        if status in (Status.AMBER, Status.RED)
                        else None,
                        updated_by=author,
                    )
                )
                # The open quarter's committees have met for about half the work so far.
                if quarter.number < 4 or not current or rng.random() < 0.5:
                    reviews.append(
                        AssuranceReview(
                            deliverable=d,
                            quarter=quarter,
                            assurance_group_id=first_group[d.pk],
                            level=rng.choice(list(Level)),
                            recorded_by=author,
                        )
                    )
        bulk_create_with_history(updates, StatusUpdate, batch_size=1000, default_user=author)
        reviews = bulk_create_with_history(
            reviews, AssuranceReview, batch_size=1000, default_user=author
        )
        self._actions(reviews, current, rng, author)
        if current:
            self._drafts(deliverables, quarters[3], rng, author)
        return plan

    def _previous(self, plan):
        """The year before's deliverables in the order they were made and its indicators'
        lines, for the next year to carry on; None for the first year."""
        if plan is None:
            return None
        lines = {
            (objective, order): line
            for objective, order, line in KeyIndicator.objects.filter(
                objective__plan=plan
            ).values_list("objective__number", "order", "line")
        }
        ids = list(Deliverable.objects.in_plan(plan).order_by("pk").values_list("pk", flat=True))
        return {"deliverables": ids, "lines": lines}

    def _actions(self, reviews, current, rng, author):
        """A committee's action on a fifth of the limited or no-assurance reviews: answered
        and closed in a past year, open (some answered) in the current one."""
        now = datetime.datetime.now(datetime.UTC)
        actions = []
        for review in reviews:
            if review.level not in (Level.LIMITED, Level.NONE) or rng.random() > 0.2:
                continue
            closed = not current or rng.random() < 0.3
            actions.append(
                ReviewAction(
                    review=review,
                    deliverable_id=review.deliverable_id,
                    text="Bring the recovery plan to the next meeting.",
                    response="Recovery plan attached." if closed or rng.random() < 0.5 else "",
                    responded_by=author if closed else None,
                    responded_at=now if closed else None,
                    closed_by=author if closed else None,
                    closed_at=now if closed else None,
                )
            )
        bulk_create_with_history(actions, ReviewAction, batch_size=1000, default_user=author)

    def _drafts(self, deliverables, quarter, rng, author):
        """Unsaved drafts in the open quarter, as people leave them mid-update."""
        UpdateDraft.objects.bulk_create(
            [
                UpdateDraft(
                    deliverable=d,
                    quarter=quarter,
                    author=author,
                    data={"status": "amber", "narrative": "Half-written update."},
                )
                for d in deliverables
                if rng.random() < 0.05
            ],
            batch_size=1000,
        )

    def _measures(self, plan, first_year, years, rng, author):
        """One measure for each objective of the current plan, on its first indicator: a
        monthly series from the first year's April to the current year's December, one series
        across the years as roll-over keeps it."""
        indicators = KeyIndicator.objects.filter(objective__plan=plan, order=1)
        measures = Measure.objects.bulk_create(
            [
                Measure(
                    indicator=indicator,
                    name=f"Measure {indicator.objective_id}",
                    unit="%",
                    direction=Measure.Direction.INCREASE,
                    target=90,
                )
                for indicator in indicators
            ],
            batch_size=1000,
        )
        months = [
            datetime.date(first_year + (m + 3) // 12, (m + 3) % 12 + 1, 1)
            for m in range(12 * (years - 1) + 9)
        ]
        MeasureValue.objects.bulk_create(
            [
                MeasureValue(
                    measure=measure,
                    period=month,
                    value=round(rng.gauss(88, 3), 1),
                    entered_by=author,
                )
                for measure in measures
                for month in months
            ],
            batch_size=2000,
        )

    def _board_records(self, quarters, author):
        """Each closed quarter's board record, in the order the quarters closed."""
        from reporting.board_report.data import report_data
        from reporting.models import BoardReport

        closed = quarters.filter(state=Quarter.State.CLOSED, board_reports=None).order_by(
            "plan__start_date", "number"
        )
        for quarter in closed.select_related("plan"):
            BoardReport.objects.create(
                quarter=quarter, data=report_data(quarter), created_by=author
            )
