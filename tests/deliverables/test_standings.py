"""Stored positions (`Standing`) always agree with the rule (`positions.position_of`), whatever
sequence of saves and deletes reaches them, and `rebuild_positions` repairs and checks them."""

import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables import standings
from deliverables.models import Deliverable, SignOff, Standing, StatusUpdate
from deliverables.positions import Position
from objectives.models import Quarter
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.objectives.factories import ObjectiveFactory, PlanFactory

STATUSES = ["not_started", "green", "amber", "red", "complete", "deferred", "closed"]
SIGN_OFFS = [SignOff.NOT_NEEDED, SignOff.APPROVED, SignOff.AWAITING, SignOff.RETURNED]
STATES = [Quarter.State.UPCOMING, Quarter.State.OPEN, Quarter.State.CLOSED]
WINDOWS = [(1, 1), (1, 4), (2, 3), (3, 4), (2, None)]

operation = st.one_of(
    st.tuples(
        st.just("update"),
        st.integers(0, 3),  # which deliverable
        st.integers(1, 4),  # which quarter
        st.sampled_from(STATUSES),
        st.sampled_from(SIGN_OFFS),
    ),
    st.tuples(st.just("delete update"), st.integers(0, 3), st.integers(1, 4)),
    st.tuples(st.just("window"), st.integers(0, 3), st.sampled_from(WINDOWS)),
    st.tuples(st.just("quarter"), st.integers(1, 4), st.sampled_from(STATES)),
    st.tuples(st.just("move objective"), st.integers(0, 3)),
    st.tuples(st.just("delete deliverable"), st.integers(0, 3)),
    st.tuples(st.just("new deliverable"), st.sampled_from(WINDOWS)),
)


def _apply(step, plans, deliverables):
    kind = step[0]
    plan = plans[0]
    if kind == "new deliverable":
        start, end = step[1]
        deliverables.append(
            DeliverableFactory(objective__theme__plan=plan, start_quarter=start, end_quarter=end)
        )
        return
    if kind == "quarter":
        quarter = plan.quarters.get(number=step[1])
        if step[2] == Quarter.State.OPEN:
            Quarter.objects.filter(plan=plan, state=Quarter.State.OPEN).exclude(
                pk=quarter.pk
            ).update(state=Quarter.State.CLOSED)
            # That bulk close bypasses save(), as raw SQL would: the store must be rebuilt.
            standings.refresh_quarters(plan.quarters.all())
        quarter.state = step[2]
        quarter.save()
        return
    alive = [d for d in deliverables if Deliverable.objects.filter(pk=d.pk).exists()]
    if not alive:
        return
    deliverable = alive[step[1] % len(alive)]
    if kind == "update":
        quarter = Quarter.objects.get(plan=deliverable.objective.plan, number=step[2])
        update = StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()
        if update is None:
            StatusUpdateFactory(
                deliverable=deliverable, quarter=quarter, status=step[3], sign_off=step[4]
            )
        else:
            update.status, update.sign_off = step[3], step[4]
            update.save()
    elif kind == "delete update":
        StatusUpdate.objects.filter(deliverable=deliverable, quarter__number=step[2]).delete()
    elif kind == "window":
        deliverable.start_quarter, deliverable.end_quarter = step[2]
        deliverable.save()
    elif kind == "move objective":
        objective = deliverable.objective
        objective.plan = plans[1] if objective.plan_id == plans[0].pk else plans[0]
        objective.theme.plan = objective.plan
        objective.theme.save()
        objective.save()
    elif kind == "delete deliverable":
        deliverable.delete()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(operation, max_size=12))
def test_stored_positions_agree_with_the_rule_after_any_sequence_of_writes(steps):
    plans = [PlanFactory(), PlanFactory(financial_year="2022/23")]
    deliverables = [
        DeliverableFactory(objective__theme__plan=plans[0], start_quarter=s, end_quarter=e)
        for s, e in WINDOWS[:3]
    ]
    for step in steps:
        _apply(step, plans, deliverables)
    assert standings.disagreements() == []


def test_every_deliverable_has_a_stored_position_in_every_quarter_of_its_plan(plan, q1):
    deliverable = DeliverableFactory(objective__theme__plan=plan)
    StatusUpdateFactory(deliverable=deliverable, quarter=q1, status="complete")
    stored = dict(
        Standing.objects.filter(deliverable=deliverable).values_list("quarter__number", "position")
    )
    assert stored == {
        1: Position.COMPLETE,
        2: Position.COMPLETED_EARLIER,
        3: Position.COMPLETED_EARLIER,
        4: Position.COMPLETED_EARLIER,
    }


def test_a_deliverable_of_another_plan_is_not_in_its_window(plan, q2):
    other = PlanFactory(financial_year="2022/23")
    elsewhere = DeliverableFactory(objective=ObjectiveFactory(theme__plan=other, plan=other))
    row = Deliverable.objects.with_status_in(q2).get(pk=elsewhere.pk)
    assert row.position == Position.NOT_IN_WINDOW


def test_rebuild_positions_repairs_a_store_changed_behind_its_back(plan, q1, q2):
    deliverable = DeliverableFactory(objective__theme__plan=plan)
    StatusUpdateFactory(deliverable=deliverable, quarter=q2, status="amber")
    # A bulk change outside the application, which no signal sees.
    StatusUpdate.objects.filter(deliverable=deliverable).update(status="complete")
    with pytest.raises(CommandError, match="3 stored position"):
        call_command("rebuild_positions", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_positions", stdout=out)
    assert "Stored 4 positions" in out.getvalue()
    assert Deliverable.objects.with_status_in(q2).get(pk=deliverable.pk).position == "complete"
    out = io.StringIO()
    call_command("rebuild_positions", "--check", stdout=out)
    assert "agrees with the rule" in out.getvalue()


def test_saving_an_update_stores_its_position_in_a_bounded_number_of_queries(
    plan, q2, django_assert_max_num_queries
):
    deliverable = DeliverableFactory(objective__theme__plan=plan)
    update = StatusUpdateFactory.build(deliverable=deliverable, quarter=q2, status="green")
    # The insert, its history row, and four for the stored positions (the quarters, the
    # deliverable, its updates, the upsert), however large the plan.
    with django_assert_max_num_queries(6):
        update.save()
    assert Deliverable.objects.with_status_in(q2).get(pk=deliverable.pk).position == "updated"
