import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from assurance.models import AssuranceGroup, AssuranceReview, DeliverableAssuranceGroup, Level
from common import revision
from deliverables import standings
from deliverables.models import (
    Deliverable,
    DeliverableOwner,
    Owner,
    StatusUpdate,
)
from deliverables.status import Status
from objectives.models import KeyIndicator, Objective, Plan, Quarter, Theme
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
        "reviews), plus N/10 further plans of the seed's size. Reproducible from --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, factor, seed, **options):
        if factor < 1 or factor > 1000:
            raise CommandError("--factor must be between 1 and 1000.")
        rng = random.Random(seed)
        with transaction.atomic():
            owners, groups, author = self._people()
            extra = factor // 10
            for i in range(extra):  # earlier years, so the big plan is the latest
                self._plan(2100 + i, 1, rng, owners, groups, author, f"Scale extra plan {i + 1}")
            plan = self._plan(
                2200 + factor, factor, rng, owners, groups, author, f"Scale plan ×{factor}"
            )
            # Bulk inserts skip the signals that store positions and move the data revision on.
            standings.refresh_quarters(Quarter.objects.filter(plan__title__startswith="Scale"))
            revision.changed()
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
                f"plus {extra} further plan(s)."
            )
        )

    def _people(self):
        owners = [Owner.objects.get_or_create(code=code)[0] for code in OWNER_CODES]
        groups = [AssuranceGroup.objects.get_or_create(code=code)[0] for code in GROUP_CODES]
        author, _ = get_user_model().objects.get_or_create(username="scale-data")
        return owners, groups, author

    def _plan(self, year, factor, rng, owners, groups, author, title):
        financial_year = financial_year_label(year)
        if Plan.objects.filter(financial_year=financial_year).exists():
            raise CommandError(f"A plan for {financial_year} exists already: use a fresh database.")
        plan = Plan.objects.create(
            title=title, financial_year=financial_year, start_date=datetime.date(year, 4, 1)
        )
        plan.ensure_quarters()
        quarters = list(plan.quarters.order_by("number"))
        Quarter.objects.filter(plan=plan, number__lt=4).update(state=Quarter.State.CLOSED)
        Quarter.objects.filter(plan=plan, number=4).update(
            state=Quarter.State.OPEN, deadline=datetime.date(year + 1, 1, 15)
        )
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
                if quarter.number < d.start_quarter or (quarter.number == 4 and rng.random() < 0.4):
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
                if quarter.number < 4:
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
        bulk_create_with_history(reviews, AssuranceReview, batch_size=1000, default_user=author)
        return plan
