import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from assurance.models import AssuranceGroup, AssuranceReview, Level
from assurance.services import review_save
from common import revision
from deliverables.models import Deliverable, Owner, StatusUpdate
from deliverables.services import status_update_save
from deliverables.status import Status
from demo.measures import continue_demo_measures, create_demo_measures
from objectives.models import Plan, Quarter
from objectives.quarters import financial_year_label
from planning import rollover as plans
from reporting.services import quarter_close, quarter_open

# Known passwords: for a developer's machine only (the command refuses when DEBUG is off).
DEMO_PASSWORD = "demo-plan-2021"

DEMO_ACCOUNTS = [
    # username, full name, role, owner codes, assurance group codes, role group
    ("admin", "Alex Administrator", "Plan administrator", [], [], PLAN_ADMINISTRATORS),
    ("cdo", "Dana Digital", "Executive owner (CDO)", ["CDO"], [], None),
    ("cfo", "Frankie Finance", "Executive owner (CFO)", ["CFO"], [], None),
    ("cdo-delegate", "Devi Delegate", "Delegate for the CDO", ["CDO"], [], None),
    ("dhg-secretary", "Sam Secretary", "Secretary of DHG", [], ["DHG"], None),
    ("viewer", "Val Viewer", "Board member (read only)", [], [], VIEWERS),
]

# DHG's Q1 reviews, in turn: level, comments, actions requested (one per line).
DHG_REVIEWS = [
    (Level.REASONABLE, "Good progress; benefits tracking not yet in place.", ""),
    (
        Level.LIMITED,
        "The slipped milestones are not yet covered by a dated recovery plan.",
        "Bring a dated recovery plan to the next meeting\nName the senior responsible owner",
    ),
    (Level.SUBSTANTIAL, "Delivered as planned.", ""),
]

# The executives themselves; other people linked to an Owner are their delegates.
EXECUTIVES = {"cdo", "cfo"}

# A plausible spread of Q1 statuses, chosen by position so the demo is the same every time.
Q1_PATTERN = [Status.GREEN] * 6 + [Status.AMBER, Status.GREEN, Status.NOT_STARTED, Status.RED]
NARRATIVES = {
    Status.NOT_STARTED: "Scoping has begun; the project starts once the business case is approved.",
    Status.GREEN: "Milestones for the quarter met. Project board meeting monthly; plan on track.",
    Status.AMBER: "Two milestones slipped because of operational pressures. Recovery plan agreed.",
    Status.RED: "Supplier delays put delivery in the window at risk. Escalated to the executive.",
    Status.COMPLETE: "Delivered and handed over to business as usual.",
}


class Command(BaseCommand):
    help = (
        "Create demo accounts and plausible Q1 and Q2 2021/22 updates for local development. "
        "Refuses to run when DEBUG is off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Seed as on this date (YYYY-MM-DD; default today): 2021/22 is rolled over into "
            "the financial year that contains it, with its current quarter open.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (a demo or training instance only; never production).",
        )

    def handle(self, *args, force=False, today=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with known passwords, so it only runs with DEBUG on. "
                "Use --force on a demo or training instance only."
            )
        with transaction.atomic():
            users = {row[0]: self._account(*row[:2], *row[3:]) for row in DEMO_ACCOUNTS}
            plan = Plan.objects.filter(financial_year="2021/22").first()
            if plan is not None:
                measures = create_demo_measures(plan, users)
                if measures:
                    self.stdout.write(f"Demo measures: {measures} key indicators with values.")
                written = self._updates(plan, users["admin"])
                self.stdout.write(f"Demo updates: {written} written for 2021/22 Q1 and Q2.")
                current = self._current_year(plan, users, today or timezone.localdate())
                if current:
                    self.stdout.write(
                        f"Demo {current.financial_year}: unfinished 2021/22 deliverables rolled "
                        f"over, {current.open_quarter.short_label} open (updates due "
                        f"{current.open_quarter.deadline:%-d %B %Y}); 2021/22 closed."
                    )
            # Some demo dates are set with QuerySet.update(), which no signal sees.
            revision.changed()
        self._print_accounts()

    def _account(self, username, full_name, owner_codes, group_codes, role_group):
        User = get_user_model()
        first, last = full_name.split(" ", 1)
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.nhs.uk"
        user.is_staff = role_group == PLAN_ADMINISTRATORS
        user.set_password(DEMO_PASSWORD)
        user.save()
        for owner in Owner.objects.filter(code__in=owner_codes):
            owner.users.add(user)
            if username in EXECUTIVES:  # the others are delegates
                owner.executive = user
                owner.save()
        for group in AssuranceGroup.objects.filter(code__in=group_codes):
            group.secretaries.add(user)
        if role_group:
            user.groups.add(Group.objects.get_or_create(name=role_group)[0])
        return user

    def _updates(self, plan, admin):
        """Q1 closed with every update in; Q2 open with about half in. Existing ones are kept.

        Everything goes through the services a person's clicks use: Q1 is opened, updated and
        closed (so its board report is frozen, as any closed quarter's is), then Q2 is opened.
        """
        q1, q2 = plan.quarters.get(number=1), plan.quarters.get(number=2)
        if not plan.quarters.exclude(state=Quarter.State.UPCOMING).exists():
            Quarter.objects.filter(pk=q1.pk).update(deadline=datetime.date(2021, 7, 16))
            Quarter.objects.filter(pk=q2.pk).update(deadline=datetime.date(2021, 10, 15))
            q1.refresh_from_db()
            quarter_open(quarter=q1, user=admin)
        written = 0
        deliverables = list(Deliverable.objects.in_plan(plan).with_plan_details().natural_order())
        q1.refresh_from_db()
        q1_statuses = {}
        if q1.is_open:
            due_in_q1 = set(
                Deliverable.objects.requiring_update_in(q1).values_list("pk", flat=True)
            )
            for index, deliverable in enumerate(deliverables):
                if deliverable.pk in due_in_q1:
                    q1_statuses[deliverable.pk] = self._q1_status(deliverable, index)
                    written += self._write(deliverable, q1, q1_statuses[deliverable.pk], None)
            self._reviews(q1)
            quarter_close(quarter=q1, user=admin)
            quarter_open(quarter=q2, user=admin)
        else:
            q1_statuses = dict(q1.updates.values_list("deliverable_id", "status"))
        q2.refresh_from_db()
        if not q2.is_open:
            return written
        for index, deliverable in enumerate(deliverables):
            q1_status = q1_statuses.get(deliverable.pk)
            if q1_status in (Status.COMPLETE, Status.CLOSED) or index % 2:
                continue  # Q2: finished ones need nothing; every other one is still missing
            q2_status = self._q2_status(q1_status, index)
            if q2_status == Status.GREEN and deliverable.is_past_window_in(q2):
                q2_status = Status.AMBER  # past its window, it cannot be on track
            written += self._write(deliverable, q2, q2_status, q1_status)
        return written

    def _current_year(self, source, users, today):
        """2021/22 rolled over into the financial year that contains `today`, as a trust would
        start a new year: its earlier quarters updated and closed, the current one open with
        about half its updates in, and a deadline ahead. 2021/22 stays, closed, as history.
        Nothing when that year is 2021/22 itself, or already exists."""
        first_year = today.year if today.month >= 4 else today.year - 1
        year = financial_year_label(first_year)
        if first_year <= source.first_year or Plan.objects.filter(financial_year=year).exists():
            return None
        admin = users["admin"]
        source.refresh_from_db()
        if source.open_quarter:
            quarter_close(quarter=source.open_quarter, user=admin)
        plan = plans.start_plan(financial_year=year, title=source.title, user=admin)
        chosen = [c.deliverable.pk for c in plans.candidates(source, plan) if c.chosen_by_default]
        plans.roll_over(source=source, target=plan, deliverable_ids=chosen, user=admin)
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        # The measures went on with their objectives: one series each, to last month.
        continue_demo_measures(plan, users, last_month=last_month.replace(day=1))
        current = next(q.number for q in plan.quarters.all() if q.start <= today <= q.end)
        deliverables = list(Deliverable.objects.in_plan(plan).with_plan_details().natural_order())
        previous = {}
        for quarter in plan.quarters.filter(number__lte=current).order_by("number"):
            quarter_open(quarter=quarter, user=admin)
            quarter.refresh_from_db()
            due = set(Deliverable.objects.requiring_update_in(quarter).values_list("pk", flat=True))
            for index, deliverable in enumerate(deliverables):
                before = previous.get(deliverable.pk)
                if deliverable.pk not in due or before in (Status.COMPLETE, Status.CLOSED):
                    continue
                if quarter.number == current and index % 2:
                    continue  # still to write: My updates has work in it
                status = (
                    self._q2_status(before, index + quarter.number)
                    if before
                    else self._q1_status(deliverable, index)
                )
                if status == Status.GREEN and deliverable.is_past_window_in(quarter):
                    status = Status.AMBER
                self._write(deliverable, quarter, status, before)
                previous[deliverable.pk] = status
            if quarter.number < current:
                quarter_close(quarter=quarter, user=admin)
        return Plan.objects.prefetch_related("quarters").get(pk=plan.pk)

    def _reviews(self, quarter):
        """DHG's Q1 assurance, with actions asked of the owners, recorded by its secretary
        through the same service as the review page (so the actions exist as they would)."""
        secretary = get_user_model().objects.get(username="dhg-secretary")
        group = AssuranceGroup.objects.get(code="DHG")
        deliverables = Deliverable.objects.filter(assurance_groups=group).natural_order()
        for index, deliverable in enumerate(deliverables):
            level, comments, actions = DHG_REVIEWS[index % len(DHG_REVIEWS)]
            review = AssuranceReview(
                deliverable=deliverable,
                quarter=quarter,
                assurance_group=group,
                level=level,
                comments=comments,
                actions_requested=actions,
            )
            review_save(review=review, user=secretary, expected_version=0)

    def _q1_status(self, deliverable, index):
        if deliverable.end_quarter == 1:
            # 6.5 was delivered; 1.3 slipped, so it is overdue in Q2.
            return Status.COMPLETE if deliverable.reference == "6.5" else Status.AMBER
        return Q1_PATTERN[index % len(Q1_PATTERN)]

    def _q2_status(self, q1_status, index):
        """Most hold their Q1 rating; some improve, some slip, one or two finish."""
        if q1_status is None:
            return Status.GREEN
        change = index % 7
        if change == 2:
            better = {Status.RED: Status.AMBER, Status.AMBER: Status.GREEN}
            return better.get(
                q1_status, Status.COMPLETE if q1_status == Status.GREEN else q1_status
            )
        if change == 4:
            worse = {Status.GREEN: Status.AMBER, Status.AMBER: Status.RED}
            return worse.get(q1_status, q1_status)
        if q1_status == Status.NOT_STARTED:
            return Status.GREEN
        return q1_status

    def _author(self, deliverable):
        """The first owner's executive, else the plan administrator (who may write any)."""
        for owner in deliverable.ordered_owners:
            person = owner.executive or owner.users.order_by("username").first()
            if person:
                return person
        return get_user_model().objects.get(username="admin")

    def _write(self, deliverable, quarter, status, previous_status):
        if StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).exists():
            return 0
        author = self._author(deliverable)
        needs_date = status in (Status.AMBER, Status.RED)
        update = StatusUpdate(
            deliverable=deliverable,
            quarter=quarter,
            status=status,
            narrative=NARRATIVES[status],
            reason_for_change=(
                f"Moved from {Status(previous_status).label}: see the progress narrative."
                if previous_status and previous_status != status
                else ""
            ),
            risks="Operational pressures on the project team." if needs_date else "",
            next_steps="Report progress to the assurance group next month.",
            expected_date=quarter.end + datetime.timedelta(days=90) if needs_date else None,
        )
        status_update_save(update=update, user=author, expected_version=0)
        return 1

    def _print_accounts(self):
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for username, _name, role, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role}")
