"""Which quarters need an update, and what is overdue: the rules on Deliverable's QuerySet."""

import pytest

from deliverables.models import Deliverable
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.objectives.factories import PlanFactory


@pytest.fixture
def plan(db):
    return PlanFactory()


def quarter(plan, number):
    return plan.quarters.get(number=number)


def needing(plan, number):
    return set(Deliverable.objects.requiring_update_in(quarter(plan, number)))


def overdue(plan, number):
    return set(Deliverable.objects.with_status_in(quarter(plan, number)).filter(is_overdue=True))


class TestWhichQuartersNeedAnUpdate:
    @pytest.mark.parametrize(
        ("delivery", "start", "end", "needed"),
        [
            ("Q1-4", 1, 4, [1, 2, 3, 4]),
            ("Q2", 2, 2, [2, 3, 4]),  # past Q2 and not complete: still needs updates
            ("Q3-4", 3, 4, [3, 4]),
            ("From Q2", 2, None, [2, 3, 4]),
        ],
    )
    def test_from_the_start_of_the_window(self, plan, delivery, start, end, needed):
        deliverable = DeliverableFactory(
            objective__theme__plan=plan, delivery=delivery, start_quarter=start, end_quarter=end
        )
        assert [n for n in (1, 2, 3, 4) if deliverable in needing(plan, n)] == needed
        assert [n for n in (1, 2, 3, 4) if deliverable.needs_update_in(quarter(plan, n))] == needed

    @pytest.mark.parametrize("finished", ["complete", "closed"])
    def test_completed_or_closed_earlier_needs_nothing_later(self, plan, finished):
        deliverable = DeliverableFactory(objective__theme__plan=plan)
        StatusUpdateFactory(deliverable=deliverable, quarter=quarter(plan, 1), status="green")
        StatusUpdateFactory(
            deliverable=deliverable,
            quarter=quarter(plan, 2),
            status=finished,
            reason_for_change="Done",
        )
        assert [n for n in (1, 2, 3, 4) if deliverable in needing(plan, n)] == [1, 2]

    def test_other_statuses_keep_it_needing_updates(self, plan):
        deliverable = DeliverableFactory(objective__theme__plan=plan)
        for number, status in [(1, "red"), (2, "deferred")]:
            StatusUpdateFactory(
                deliverable=deliverable, quarter=quarter(plan, number), status=status
            )
        assert deliverable in needing(plan, 3)

    def test_only_the_quarters_plan(self, plan):
        other = PlanFactory(financial_year="2022/23")
        mine = DeliverableFactory(objective__theme__plan=plan)
        DeliverableFactory(objective__theme__plan=other)
        assert needing(plan, 1) == {mine}


class TestOverdue:
    def test_past_the_window_and_not_complete(self, plan):
        q1_only = DeliverableFactory(
            objective__theme__plan=plan, delivery="Q1", start_quarter=1, end_quarter=1
        )
        whole_year = DeliverableFactory(objective__theme__plan=plan)
        open_ended = DeliverableFactory(
            objective__theme__plan=plan, delivery="From Q1", start_quarter=1, end_quarter=None
        )
        assert overdue(plan, 1) == set()
        assert overdue(plan, 2) == {q1_only}
        assert whole_year not in overdue(plan, 4) and open_ended not in overdue(plan, 4)

    def test_completed_late_stops_being_overdue(self, plan):
        deliverable = DeliverableFactory(
            objective__theme__plan=plan, delivery="Q1", start_quarter=1, end_quarter=1
        )
        StatusUpdateFactory(deliverable=deliverable, quarter=quarter(plan, 1), status="green")
        StatusUpdateFactory(
            deliverable=deliverable,
            quarter=quarter(plan, 2),
            status="complete",
            reason_for_change="x",
        )
        # Completed in Q2 (late) is complete in Q2, not overdue: overdue means past the window
        # and not finished by the quarter, one rule for every page (the old list disagreed).
        assert deliverable not in overdue(plan, 2)
        assert deliverable not in overdue(plan, 3)
        assert deliverable not in needing(plan, 3)


@pytest.mark.django_db
def test_what_is_owed_is_read_from_the_quarters_own_plan_only(plan, q2):
    """Issue 32: the queue and the reminders said which plan they read, so the database reads
    that plan's deliverables, not every year's (My updates took twice as long on ten years of
    history). The SQL names the plan."""
    from deliverables.models import Deliverable

    for queryset in (
        Deliverable.objects.requiring_update_in(q2),
        Deliverable.objects.awaiting_update_in(q2),
    ):
        sql = str(queryset.query)
        assert f'"objectives_objective"."plan_id" = {plan.pk}' in sql
