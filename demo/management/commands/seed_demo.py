import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from assurance.models import AssuranceGroup, AssuranceReview, ChairReportItem, Level
from assurance.services import chair_item_save, review_save
from common import revision
from deliverables.models import Deliverable, Owner, StatusUpdate
from deliverables.services import status_update_save
from deliverables.status import Status
from demo.baf import create_demo_baf, record_demo_quarter
from demo.measures import continue_demo_measures, create_demo_measures
from objectives.models import Plan, Quarter
from objectives.quarters import financial_year_label
from planning import rollover as plans
from reporting import rollups
from reporting.models import BoardPaperCover
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

# What a committee says of its levels, and asks when it is not assured.
LEVEL_COMMENTS = {
    Level.SUBSTANTIAL: "Delivery evidenced against the milestones; controls working.",
    Level.REASONABLE: "Progress is good; benefits tracking is not yet in place.",
    Level.LIMITED: "The slipped milestones are not covered by a dated recovery plan.",
    Level.NONE: "No evidence of delivery was presented and the risks are not managed.",
}
LEVEL_ACTIONS = {
    Level.LIMITED: "Bring a dated recovery plan to the next meeting",
    Level.NONE: (
        "Bring a dated recovery plan to the next meeting\nName the senior responsible owner"
    ),
}
# The committees whose chairs report to the Board in the demo, and what they say.
CHAIR_REPORTING = ["DHG", "CEAG", "SRIG", "TWG"]
CHAIR_TEXT = {
    "alert": "The committee is not assured on the items cited: recovery plans are not yet "
    "dated. It asks the Board to note the risk to delivery this year.",
    "no_alert": "Nothing to alert the Board to this quarter.",
    "advise": "The committee has asked for benefits tracking to be reported from next quarter "
    "and will review progress at its next meeting.",
    "assure": "The committee is assured that the items cited are delivering as planned, on the "
    "evidence presented.",
    "not_met": "The committee has not yet met this quarter; its review is scheduled.",
}

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
                written = self._updates(plan, users)
                self.stdout.write(f"Demo updates: {written} written for 2021/22 Q1 and Q2.")
                current = self._current_year(plan, users, today or timezone.localdate())
                if current:
                    self.stdout.write(
                        f"Demo {current.financial_year}: unfinished 2021/22 deliverables rolled "
                        f"over, {current.open_quarter.short_label} open (updates due "
                        f"{current.open_quarter.deadline:%-d %B %Y}); 2021/22 closed."
                    )
            # Some demo dates are set with QuerySet.update(), which no signal sees.
            revision.changed(revision.ALL)
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

    def _updates(self, plan, users):
        """Q1 closed with every update in; Q2 open with about half in. Existing ones are kept.

        Everything goes through the services a person's clicks use: Q1 is opened, updated and
        closed (so its board report is frozen, as any closed quarter's is), then Q2 is opened.
        The BAF's illustrative risks are scored and viewed before each close, as in the
        current year.
        """
        admin = users["admin"]
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
            self._cover(q1)
            create_demo_baf(plan, admin)
            record_demo_quarter(q1, users)
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
            # Its committees met before it closed, as the current year's do.
            self._year_reviews(source.open_quarter, users)
            self._chair_reports(source.open_quarter, users)
            record_demo_quarter(source.open_quarter, users)
            self._cover(source.open_quarter)
            quarter_close(quarter=source.open_quarter, user=admin)
        plan = plans.start_plan(financial_year=year, title=source.title, user=admin)
        chosen = [c.deliverable.pk for c in plans.candidates(source, plan) if c.chosen_by_default]
        plans.roll_over(source=source, target=plan, deliverable_ids=chosen, user=admin)
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        # The measures went on with their objectives: one series each, to last month.
        continue_demo_measures(plan, users, last_month=last_month.replace(day=1))
        # Its Board Assurance Framework: illustrative risks over the plan's own evidence.
        create_demo_baf(plan, admin)
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
            self._year_reviews(quarter, users, still_open=quarter.number == current)
            self._chair_reports(quarter, users)
            record_demo_quarter(quarter, users)
            if quarter.number < current:
                self._cover(quarter)
                quarter_close(quarter=quarter, user=admin)
            else:
                self._cover(quarter, draft=True)
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

    def _year_reviews(self, quarter, users, still_open=False):
        """Every committee's levels on the quarter's updated deliverables, mostly agreeing with
        the status reported, with a few assurance gaps on purpose (On track but Limited, Off
        track but Substantial) so the Board's view has something to find. In the open quarter
        about a third are still to review, DHG's all of them: its secretary has work."""
        updates = dict(
            StatusUpdate.objects.submitted()
            .filter(quarter=quarter)
            .values_list("deliverable_id", "status")
        )
        deliverables = (
            Deliverable.objects.filter(pk__in=updates)
            .prefetch_related("group_links__assurance_group")
            .natural_order()
        )
        for index, deliverable in enumerate(deliverables):
            status = updates[deliverable.pk]
            for link in deliverable.group_links.all():
                group = link.assurance_group
                if still_open and (group.code == "DHG" or index % 3 == 0):
                    continue
                level = self._level(status, index + quarter.number)
                user = users["dhg-secretary"] if group.code == "DHG" else users["admin"]
                if AssuranceReview.objects.filter(
                    deliverable=deliverable, quarter=quarter, assurance_group=group
                ).exists():
                    continue
                review = AssuranceReview(
                    deliverable=deliverable,
                    quarter=quarter,
                    assurance_group=group,
                    level=level,
                    comments=LEVEL_COMMENTS[level],
                    actions_requested=LEVEL_ACTIONS.get(level, ""),
                )
                review_save(review=review, user=user, expected_version=0)

    def _level(self, status, index):
        if status == Status.GREEN and index % 9 == 4:
            return Level.LIMITED  # a gap: reported on track, the committee not assured
        if status == Status.RED and index % 5 == 1:
            return Level.SUBSTANTIAL  # a gap: off track, yet assured (a plan it trusts)
        return {
            Status.COMPLETE: Level.SUBSTANTIAL,
            Status.GREEN: Level.SUBSTANTIAL if index % 3 == 0 else Level.REASONABLE,
            Status.AMBER: Level.LIMITED if index % 2 else Level.REASONABLE,
            Status.RED: Level.LIMITED if index % 4 else Level.NONE,
        }.get(status, Level.REASONABLE)

    def _chair_reports(self, quarter, users):
        """A chair's report from each of a few committees, built from their own reviews."""
        for group in AssuranceGroup.objects.filter(code__in=CHAIR_REPORTING):
            if ChairReportItem.objects.filter(assurance_group=group, quarter=quarter).exists():
                continue
            reviews = list(
                AssuranceReview.objects.filter(assurance_group=group, quarter=quarter)
                .select_related("deliverable__objective")
                .order_by("deliverable__objective__number", "deliverable__number")
            )
            low = [r for r in reviews if r.level in (Level.LIMITED, Level.NONE)]
            high = [r for r in reviews if r.level == Level.SUBSTANTIAL]
            user = users["dhg-secretary"] if group.code == "DHG" else users["admin"]
            points = [
                (ChairReportItem.Kind.ALERT, CHAIR_TEXT["alert"], low[:2])
                if low
                else (ChairReportItem.Kind.ALERT, CHAIR_TEXT["no_alert"], []),
                (ChairReportItem.Kind.ADVISE, CHAIR_TEXT["advise"], []),
                (ChairReportItem.Kind.ASSURE, CHAIR_TEXT["assure"], high[:3]),
            ]
            if not reviews:
                points = [(ChairReportItem.Kind.ADVISE, CHAIR_TEXT["not_met"], [])]
            for kind, text, cited in points:
                item = ChairReportItem(assurance_group=group, quarter=quarter, kind=kind, text=text)
                chair_item_save(item=item, user=user, deliverables=[r.deliverable for r in cited])

    def _cover(self, quarter, draft=False):
        """The board paper's cover as a board secretary completes it before the quarter
        closes; the open quarter's still lacks its meeting date and key messages."""
        rows = rollups.by_theme(quarter)
        totals = rollups.totals(rows, quarter).numbers
        meeting = quarter.end + datetime.timedelta(days=45)
        meeting += datetime.timedelta(days=(3 - meeting.weekday()) % 7)  # a Thursday
        messages = (
            f"Of the {totals['due']} deliverables due an update in {quarter.short_label}, "
            f"{totals['status_complete']} were completed and {totals['status_green']} are on "
            f"track; {totals['status_amber']} are at risk and {totals['status_red']} off track, "
            "each with a recovery plan in the exceptions section.\n\n"
            "The committees' levels of assurance are summarised in the assurance view. Where "
            "delivery and assurance disagree the gaps are named, and the committees' chairs "
            "report what they alert the Board to.\n\n"
            "The Board is asked to note the position and to seek further assurance where the "
            "committees are not assured."
        )
        cover, _ = BoardPaperCover.objects.get_or_create(quarter=quarter)
        cover.meeting = "Board of Directors"
        cover.meeting_date = None if draft else meeting
        cover.agenda_item = f"{quarter.number + 6}.1"
        cover.executive_sponsor = "Director of Strategy"
        cover.author = "Head of Strategy and Planning"
        cover.purpose = BoardPaperCover.Purpose.ASSURANCE
        cover.previously_considered_by = "" if draft else "Executive Team"
        cover.key_messages = "" if draft else messages
        cover.strategic_risks = "BAF 1: delivery of the strategy; BAF 4: digital transformation"
        cover.implications = "None beyond those set out in each deliverable's update."
        cover.save()

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
