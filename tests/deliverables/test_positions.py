"""Where a deliverable stands in a quarter: every combination that matters, against the one
implementation (`positions.position_of`, stored and read through `with_status_in` and
`position_in`), and the one presenter that shows it."""

import pytest

from deliverables.models import Deliverable
from deliverables.positions import Position
from deliverables.presenters import PositionPresenter
from objectives.models import Quarter
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.objectives.factories import PlanFactory

OPEN, CLOSED, UPCOMING = Quarter.State.OPEN, Quarter.State.CLOSED, Quarter.State.UPCOMING
P = Position

# (delivery, start, end), the quarter asked about and its state, the updates by quarter,
# then the expected position and whether it is overdue.
CASES = [
    # Before the window.
    (("Q3-4", 3, 4), 2, OPEN, {}, P.NOT_IN_WINDOW, False),
    (("Q3-4", 3, 4), 2, CLOSED, {}, P.NOT_IN_WINDOW, False),
    # In the window, no update: by the quarter's state.
    (("Q1-4", 1, 4), 2, OPEN, {}, P.MISSING, False),
    (("Q1-4", 1, 4), 2, CLOSED, {}, P.MISSING, False),
    (("Q1-4", 1, 4), 3, UPCOMING, {}, P.NOT_OPEN, False),
    (("From Q1", 1, None), 4, OPEN, {}, P.MISSING, False),  # an open end is never overdue
    # In the window, with this quarter's update: each status.
    (("Q1-4", 1, 4), 2, OPEN, {2: "not_started"}, P.UPDATED, False),
    (("Q1-4", 1, 4), 2, OPEN, {2: "green"}, P.UPDATED, False),
    (("Q1-4", 1, 4), 2, OPEN, {2: "amber"}, P.UPDATED, False),
    (("Q1-4", 1, 4), 2, OPEN, {2: "red"}, P.UPDATED, False),
    (("Q1-4", 1, 4), 2, OPEN, {2: "complete"}, P.COMPLETE, False),
    (("Q1-4", 1, 4), 2, OPEN, {2: "deferred"}, P.DEFERRED, False),
    (("Q1-4", 1, 4), 2, OPEN, {2: "closed"}, P.CLOSED, False),
    (("Q1-4", 1, 4), 2, CLOSED, {2: "amber"}, P.UPDATED, False),
    # After the window, not finished: overdue, with or without this quarter's update.
    (("Q1", 1, 1), 2, OPEN, {1: "amber"}, P.OVERDUE, True),
    (("Q1", 1, 1), 2, CLOSED, {1: "amber"}, P.OVERDUE, True),
    (("Q1", 1, 1), 2, OPEN, {1: "amber", 2: "red"}, P.UPDATED, True),
    (("Q1", 1, 1), 2, OPEN, {1: "amber", 2: "deferred"}, P.DEFERRED, True),
    (("Q1", 1, 1), 3, UPCOMING, {1: "amber"}, P.NOT_OPEN, True),
    # After the window, finished this quarter: complete or closed, not overdue.
    (("Q1", 1, 1), 2, OPEN, {1: "amber", 2: "complete"}, P.COMPLETE, False),
    (("Q1", 1, 1), 2, OPEN, {1: "amber", 2: "closed"}, P.CLOSED, False),
    # Finished earlier: nothing more owed, in any later quarter, whatever its state.
    (("Q1-4", 1, 4), 2, OPEN, {1: "complete"}, P.COMPLETED_EARLIER, False),
    (("Q1-4", 1, 4), 3, UPCOMING, {1: "complete"}, P.COMPLETED_EARLIER, False),
    (("Q1-4", 1, 4), 2, OPEN, {1: "closed"}, P.CLOSED_EARLIER, False),
    (("Q1", 1, 1), 4, CLOSED, {1: "complete"}, P.COMPLETED_EARLIER, False),
    # A later stored update does not undo an earlier completion.
    (("Q1-4", 1, 4), 3, OPEN, {1: "complete", 3: "green"}, P.COMPLETED_EARLIER, False),
    # Deferral keeps it owed: deferred earlier and silent now is missing.
    (("Q1-4", 1, 4), 2, OPEN, {1: "deferred"}, P.MISSING, False),
]


def _build(window, number, state, updates):
    plan = PlanFactory()
    plan.quarters.update(state=CLOSED)
    plan.quarters.filter(number__gt=number).update(state=UPCOMING)
    plan.quarters.filter(number=number).update(state=state)
    delivery, start, end = window
    deliverable = DeliverableFactory(
        objective__theme__plan=plan, delivery=delivery, start_quarter=start, end_quarter=end
    )
    for quarter_number, status in updates.items():
        StatusUpdateFactory(
            deliverable=deliverable,
            quarter=plan.quarters.get(number=quarter_number),
            status=status,
            reason_for_change="Given",
        )
    return deliverable, plan.quarters.get(number=number)


@pytest.mark.django_db
@pytest.mark.parametrize(("window", "number", "state", "updates", "position", "overdue"), CASES)
def test_position(window, number, state, updates, position, overdue):
    deliverable, quarter = _build(window, number, state, updates)
    row = Deliverable.objects.with_status_in(quarter).get(pk=deliverable.pk)
    assert (row.position, row.is_overdue) == (position, overdue)
    assert deliverable.position_in(quarter) == position
    # The grid's per-quarter annotation is the same expression.
    grid = Deliverable.objects.with_positions([quarter]).get(pk=deliverable.pk)
    assert getattr(grid, f"position_q{number}") == position


@pytest.mark.django_db
def test_other_plans_deliverables_are_not_in_its_window():
    deliverable, _ = _build(("Q1-4", 1, 4), 2, OPEN, {})
    other = PlanFactory(financial_year="2022/23").quarters.get(number=2)
    assert deliverable.position_in(other) == Position.NOT_IN_WINDOW


class TestPresenter:
    """Every position has a label, a tag colour and a sentence; with an update, its status."""

    @pytest.mark.parametrize("position", list(Position))
    def test_every_position_is_shown(self, position):
        status = {"updated": "amber", "complete": "complete", "deferred": "deferred"}.get(
            position, "closed" if position == Position.CLOSED else None
        )
        shown = PositionPresenter(position, status, start_quarter=2, end_quarter=3)
        assert shown.label and shown.tag_class.startswith("nhsuk-tag--") and shown.sentence

    def test_an_update_shows_its_status(self):
        shown = PositionPresenter(Position.UPDATED, "red")
        assert (shown.label, shown.tag_class) == ("Off track (Red)", "nhsuk-tag--red")

    def test_missing_and_overdue_are_red_and_say_so(self):
        missing = PositionPresenter(Position.MISSING)
        overdue = PositionPresenter(Position.OVERDUE, overdue=True, end_quarter=1)
        assert (missing.label, missing.tag_class) == ("Update missing", "nhsuk-tag--red")
        assert overdue.label == "Overdue: update missing" and "Q1" in overdue.sentence
        assert overdue.overdue_label == ""  # the position already says it

    def test_an_update_past_the_window_gets_an_overdue_tag(self):
        shown = PositionPresenter(Position.UPDATED, "amber", overdue=True, end_quarter=1)
        assert shown.overdue_label == "Overdue: window ended Q1"

    def test_finished_earlier_says_why_there_is_no_update(self):
        shown = PositionPresenter(Position.COMPLETED_EARLIER)
        assert shown.label == "Completed earlier" and "no update needed" in shown.sentence
