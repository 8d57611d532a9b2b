"""What is kept by deliverable (common.revision.kept_by_deliverable: the roll-ups' rows and
numbers, the assurance at a glance, the risers and fallers, the draft board report's
deliverables) and brought up to date after each
scoped change always equals a full recomputation, whatever sequence of saves, corrections,
sign-offs, reviews, closes, reopens and roll-overs reaches it, on this app server (which notes
what it changed at once) or on another (which reads the log of changes)."""

from collections import OrderedDict

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assurance.models import AssuranceReview, Level
from common import revision
from common.models import RevisionChange
from deliverables.models import SignOff, StatusUpdate
from deliverables.status import Status
from objectives.models import Plan, Quarter
from planning.rollover import roll_over
from reporting import glance, rollups
from reporting.board_report.data import report_data
from tests.assurance.factories import AssuranceGroupFactory
from tests.deliverables.factories import DeliverableFactory, OwnerFactory, StatusUpdateFactory
from tests.objectives.factories import ObjectiveFactory, PlanFactory, ThemeFactory

# Every status, sign-off and level there is (the enums themselves, not a copy of them).
STATUSES = [status.value for status in Status]
SIGN_OFFS = list(SignOff)
LEVELS = [level.value for level in Level]
WINDOWS = [(1, 4), (1, 1), (2, 3), (3, 4), (2, None), (1, 4)]

operation = st.one_of(
    st.tuples(
        st.just("update"),
        st.integers(0, 5),  # which deliverable
        st.integers(1, 4),  # which quarter
        st.sampled_from(STATUSES),
        st.sampled_from(SIGN_OFFS),
    ),
    st.tuples(st.just("sign off"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("delete update"), st.integers(0, 5), st.integers(1, 4)),
    st.tuples(st.just("review"), st.integers(0, 5), st.integers(0, 1), st.sampled_from(LEVELS)),
    st.tuples(st.just("delete review"), st.integers(0, 5)),
    st.tuples(st.just("close")),
    st.tuples(st.just("open next")),
    st.tuples(st.just("reopen")),
    st.tuples(st.just("roll over")),
    # Another app server reads next: it knows what changed only from the log.
    st.tuples(st.just("elsewhere")),
    st.tuples(st.just("look")),
    # A save read back in its own transaction, before the commit moves the revision on.
    st.tuples(
        st.just("look before commit"),
        st.integers(0, 5),
        st.integers(1, 4),
        st.sampled_from(STATUSES),
        st.sampled_from(SIGN_OFFS),
    ),
)


def _figures(quarter) -> dict:
    """Everything kept by deliverable for `quarter`, as a reader gets it."""
    kept = rollups.kept_rows(quarter)
    return {
        "rows": sorted(kept.rows, key=lambda row: row["pk"]),
        "theme": [(row.label, row.numbers) for row in rollups.by_theme(quarter)],
        "owner": [(row.label, row.numbers) for row in rollups.by_owner(quarter)],
        "group": [(row.label, row.numbers) for row in rollups.by_assurance_group(quarter)],
        "glance": glance.for_quarter(quarter),
        "moved": rollups.moved(quarter),
        # The draft board report, which reads its deliverables as kept (but for the moment
        # it was made).
        "report": {k: v for k, v in report_data(quarter).items() if k != "generated_at"},
    }


def _fresh(quarter) -> dict:
    """The same, worked out whole: with nothing kept, and what was kept put back after."""
    kept, revision._by_deliverable = revision._by_deliverable, OrderedDict()
    try:
        return _figures(quarter)
    finally:
        revision._by_deliverable = kept


def _shown_quarters():
    return Quarter.objects.exclude(state=Quarter.State.UPCOMING).select_related("plan")


def committed():
    """Run what the commit runs (moving the revision on, logging what changed) at the end."""
    return TestCase.captureOnCommitCallbacks(execute=True)


class _World:
    """A plan of six deliverables in two themes, two owners and two groups, Q2 open."""

    def __init__(self, steps):
        self.steps = steps
        with committed():
            self._build()

    def _build(self):
        self.user = get_user_model().objects.create(username="admin", is_superuser=True)
        self.plan = PlanFactory(financial_year="2021/22")
        self.plan.quarters.filter(number=1).update(state=Quarter.State.CLOSED)
        self.plan.quarters.filter(number=2).update(state=Quarter.State.OPEN)
        owners = [OwnerFactory(code="CDO"), OwnerFactory(code="CFO")]
        self.groups = [AssuranceGroupFactory(code="DHG"), AssuranceGroupFactory(code="TWG")]
        themes = [ThemeFactory(plan=self.plan, number=n) for n in (1, 2)]
        objectives = [
            ObjectiveFactory(theme=themes[n % 2], plan=self.plan, number=n + 1) for n in range(3)
        ]
        self.deliverables = [
            DeliverableFactory(
                objective=objectives[n % 3],
                number=n + 1,
                start_quarter=start,
                end_quarter=end,
                owners=owners[: 1 + n % 2],
                assurance_groups=self.groups[n % 2 :],
            )
            for n, (start, end) in enumerate(WINDOWS)
        ]
        for deliverable in self.deliverables[:4]:
            StatusUpdateFactory(
                deliverable=deliverable, quarter=self.plan.quarters.get(number=1), status="green"
            )

    def _apply(self, step):
        kind, deliverable = step[0], None
        if len(step) > 1:
            deliverable = self.deliverables[step[1] % len(self.deliverables)]
        open_quarter = Quarter.objects.filter(state=Quarter.State.OPEN).order_by("-pk").first()
        if kind == "update":
            quarter = Quarter.objects.get(plan=deliverable.objective.plan, number=step[2])
            update = StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()
            if update is None:
                StatusUpdateFactory(
                    deliverable=deliverable, quarter=quarter, status=step[3], sign_off=step[4]
                )
            else:  # a correction
                update.status, update.sign_off = step[3], step[4]
                update.save()
        elif kind == "sign off":
            update = StatusUpdate.objects.filter(
                deliverable=deliverable, sign_off=SignOff.AWAITING
            ).first()
            if update is not None:
                update.sign_off = SignOff.APPROVED if step[2] else SignOff.RETURNED
                update.save()
        elif kind == "delete update":
            StatusUpdate.objects.filter(deliverable=deliverable, quarter__number=step[2]).delete()
        elif kind == "review" and open_quarter is not None:
            AssuranceReview.objects.update_or_create(
                deliverable=deliverable,
                quarter=open_quarter,
                assurance_group=self.groups[step[2]],
                defaults={"level": step[3], "recorded_by": self.user},
            )
        elif kind == "delete review":
            review = AssuranceReview.objects.filter(deliverable=deliverable).last()
            if review is not None:
                review.delete()
        elif kind == "close" and open_quarter is not None:
            open_quarter.state = Quarter.State.CLOSED
            open_quarter.save()
        elif kind == "open next":
            latest = Quarter.objects.exclude(state=Quarter.State.UPCOMING).order_by("-pk").first()
            following = Quarter.objects.filter(plan=latest.plan, number=latest.number + 1).first()
            if following is not None and open_quarter is None:
                following.state = Quarter.State.OPEN
                following.save()
        elif kind == "reopen" and open_quarter is None:
            latest = Quarter.objects.exclude(state=Quarter.State.UPCOMING).order_by("-pk").first()
            latest.state = Quarter.State.OPEN
            latest.save()
        elif kind == "roll over" and not Plan.objects.filter(financial_year="2022/23").exists():
            target = PlanFactory(financial_year="2022/23")
            carried = roll_over(
                source=self.plan,
                target=target,
                deliverable_ids=[d.pk for d in self.deliverables[:3]],
                user=self.user,
            )
            self.deliverables += [c.new for c in carried]
        elif kind == "elsewhere":
            for entry in revision._by_deliverable.values():
                entry.dirty.clear()

    def _check(self):
        for quarter in _shown_quarters():
            assert _figures(quarter) == _fresh(quarter), (quarter, self.steps)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(operation, min_size=1, max_size=14))
def test_kept_figures_equal_a_full_recomputation(steps):
    revision.forget()
    with transaction.atomic():  # each example's own data, rolled back after it
        world = _World(steps)
        world._check()  # everything kept from the start
        for step in steps:
            if step[0] == "look before commit":
                world._apply(("update", *step[1:]))
                world._check()
                continue
            with committed():
                world._apply(step)
            if step[0] == "look":
                world._check()
        world._check()
        transaction.set_rollback(True)


class ScopedChangesTest(TestCase):
    def test_a_status_update_is_logged_with_its_deliverable_and_quarter(self):
        with self.captureOnCommitCallbacks(execute=True):
            plan = PlanFactory(financial_year="2021/22")
            deliverable = DeliverableFactory(objective__theme__plan=plan)
        quarter = plan.quarters.get(number=2)
        with self.captureOnCommitCallbacks(execute=True):
            StatusUpdateFactory(deliverable=deliverable, quarter=quarter, status="amber")
        change = RevisionChange.objects.get(revision=revision.current())
        assert change.scoped and change.scope == [[deliverable.pk, 2]]

    def test_a_change_to_the_plan_is_not_scoped(self):
        plan = PlanFactory(financial_year="2021/22")
        with self.captureOnCommitCallbacks(execute=True):
            DeliverableFactory(objective__theme__plan=plan)
        change = RevisionChange.objects.get(revision=revision.current())
        assert not change.scoped

    def _two_deliverables_kept_in_an_open_quarter(self):
        """Q1 open with two deliverables, committed, and its rows kept on this server."""
        with self.captureOnCommitCallbacks(execute=True):
            plan = PlanFactory(financial_year="2021/22")
            plan.quarters.filter(number=1).update(state=Quarter.State.OPEN)
            quarter = plan.quarters.get(number=1)
            first, second = DeliverableFactory.create_batch(2, objective__theme__plan=plan)
        revision.forget()
        rollups.kept_rows(quarter)
        return quarter, first, second

    def test_a_kept_value_is_brought_up_to_date_for_the_changed_deliverable_only(self):
        quarter, first, second = self._two_deliverables_kept_in_an_open_quarter()
        with self.captureOnCommitCallbacks(execute=True):
            StatusUpdateFactory(deliverable=first, quarter=quarter, status="red")
        # Another app server: only the log says what changed.
        for entry in revision._by_deliverable.values():
            entry.dirty.clear()
        with self.assertNumQueries(3):  # the revision, the log, the one deliverable's row
            rows = {row["pk"]: row for row in rollups.kept_rows(quarter).rows}
        assert rows[first.pk]["status_now"] == "red"
        assert rows[second.pk]["status_now"] is None

    def test_a_later_quarters_update_leaves_an_earlier_quarter_as_it_was(self):
        with self.captureOnCommitCallbacks(execute=True):
            plan = PlanFactory(financial_year="2021/22")
            plan.quarters.filter(number=1).update(state=Quarter.State.CLOSED)
            plan.quarters.filter(number=2).update(state=Quarter.State.OPEN)
            q1, q2 = plan.quarters.get(number=1), plan.quarters.get(number=2)
            deliverable = DeliverableFactory(objective__theme__plan=plan)
        revision.forget()
        kept = rollups.kept_rows(q1)
        with self.captureOnCommitCallbacks(execute=True):
            StatusUpdateFactory(deliverable=deliverable, quarter=q2, status="red")
        with self.assertNumQueries(2):  # the revision and the log: no row read again
            assert rollups.kept_rows(q1) is kept

    def test_reading_a_changed_row_again_builds_no_query(self):
        """The rows' query (fifteen annotations) is built once for its quarter and copied for
        each deliverable read again: building it was half of reading one row (issue 32)."""
        from unittest import mock

        from deliverables.models.deliverables import DeliverableQuerySet

        quarter, first, second = self._two_deliverables_kept_in_an_open_quarter()
        built = mock.patch.object(
            DeliverableQuerySet, "with_status_in", autospec=True, side_effect=AssertionError
        )
        for deliverable, status in ((first, "red"), (second, "green")):
            with self.captureOnCommitCallbacks(execute=True):
                StatusUpdateFactory(deliverable=deliverable, quarter=quarter, status=status)
            with built:
                rows = {row["pk"]: row for row in rollups.kept_rows(quarter).rows}
            assert rows[deliverable.pk]["status_now"] == status
