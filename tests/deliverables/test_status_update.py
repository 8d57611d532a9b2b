"""Validation of a status update, with the messages a user sees."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from deliverables.models import StatusUpdate
from deliverables.status import NARRATIVE_MAX, TEXT_MAX
from tests.deliverables.factories import DeliverableFactory, StatusUpdateFactory
from tests.objectives.factories import PlanFactory


@pytest.fixture
def plan(db):
    return PlanFactory()


@pytest.fixture
def deliverable(plan):
    return DeliverableFactory(objective__theme__plan=plan)


def build(deliverable, number=2, **fields):
    values = {"status": "green", "narrative": "Going well."} | fields
    return StatusUpdate(
        deliverable=deliverable,
        quarter=deliverable.objective.plan.quarters.get(number=number),
        **values,
    )


def errors_of(update):
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    return error.value.message_dict


class TestValidation:
    def test_a_plain_green_update_is_valid(self, deliverable):
        build(deliverable).full_clean()

    @pytest.mark.parametrize("narrative", ["", "   "])
    def test_narrative_is_required(self, deliverable, narrative):
        assert errors_of(build(deliverable, narrative=narrative))["narrative"]

    def test_reason_required_when_status_changes(self, deliverable):
        StatusUpdateFactory(deliverable=deliverable, status="green")
        messages = errors_of(
            build(deliverable, status="amber", expected_date=datetime.date(2021, 12, 1))
        )
        assert messages["reason_for_change"] == [
            "Give the reason the status changed from On track (Green) to At risk (Amber)."
        ]

    def test_no_reason_needed_when_status_is_unchanged(self, deliverable):
        StatusUpdateFactory(deliverable=deliverable, status="green")
        build(deliverable, status="green").full_clean()

    def test_no_reason_needed_for_a_first_update(self, deliverable):
        build(
            deliverable, number=1, status="red", expected_date=datetime.date(2021, 9, 1)
        ).full_clean()

    @pytest.mark.parametrize("status", ["amber", "red"])
    def test_amber_and_red_need_a_date(self, deliverable, status):
        messages = errors_of(build(deliverable, number=1, status=status))
        assert "expected completion or recovery date" in messages["expected_date"][0]

    def test_deferred_needs_a_reason_and_a_later_date(self, deliverable):
        messages = errors_of(build(deliverable, number=1, status="deferred"))
        assert messages["reason_for_change"] == ["Give the reason this deliverable is deferred."]
        assert messages["expected_date"] == ["Enter the date this deliverable is deferred to."]
        within = build(
            deliverable,
            number=1,
            status="deferred",
            reason_for_change="Funding moved",
            expected_date=datetime.date(2021, 6, 1),
        )
        assert "enter a date after 30 June 2021" in errors_of(within)["expected_date"][0]

    def test_closed_needs_a_reason_even_when_unchanged(self, deliverable):
        StatusUpdateFactory(deliverable=deliverable, status="closed", reason_for_change="Stopped")
        assert errors_of(build(deliverable, status="closed"))["reason_for_change"]

    def test_a_recovery_date_before_the_quarter_makes_no_sense(self, deliverable):
        update = build(deliverable, number=2, status="red", expected_date=datetime.date(2021, 5, 1))
        assert "on or after 1 July 2021" in errors_of(update)["expected_date"][0]

    def test_a_date_decades_away_makes_no_sense(self, deliverable):
        update = build(deliverable, status="red", expected_date=datetime.date(2099, 1, 1))
        assert errors_of(update)["expected_date"] == ["Enter a date within the next ten years."]

    def test_no_update_before_the_window_starts(self, plan):
        later = DeliverableFactory(
            objective__theme__plan=plan, delivery="Q3", start_quarter=3, end_quarter=3
        )
        assert "starts in Q3: it has no update for Q2" in str(errors_of(build(later)))

    def test_text_limits(self, deliverable):
        messages = errors_of(
            build(
                deliverable,
                narrative="x" * (NARRATIVE_MAX + 1),
                risks="y" * (TEXT_MAX + 1),
            )
        )
        assert "at most 4000 characters" in messages["narrative"][0]
        assert "at most 2000 characters" in messages["risks"][0]


class TestNoUpdateOnceFinished:
    def test_no_update_after_completion(self, deliverable):
        StatusUpdateFactory(deliverable=deliverable, status="complete")
        messages = errors_of(build(deliverable, number=2))
        assert "completed or closed in an earlier quarter" in str(messages)


@pytest.mark.django_db
class TestGreenPastTheWindow:
    """Green means on track to deliver within the window: past the window it is refused."""

    @pytest.fixture
    def q1_only(self, plan):
        return DeliverableFactory(
            objective__theme__plan=plan, delivery="Q1", start_quarter=1, end_quarter=1
        )

    def test_refused_with_what_to_choose_instead(self, q1_only):
        update = build(q1_only, 2, status="green")
        with pytest.raises(ValidationError) as error:
            update.full_clean()
        message = error.value.message_dict["status"][0]
        assert "delivery window ended in Q1" in message
        for choice in ("At risk (Amber)", "Off track (Red)", "Complete", "Deferred", "Closed"):
            assert choice in message

    def test_green_inside_the_window_and_amber_after_it_are_fine(self, q1_only, deliverable):
        build(q1_only, 1, status="green").full_clean()
        build(deliverable, 4, status="green").full_clean()  # Q1-4: Q4 is still inside
        build(
            q1_only,
            2,
            status="amber",
            reason_for_change="Late",
            expected_date=datetime.date(2021, 9, 1),
        ).full_clean()

    def test_an_open_ended_window_is_never_past(self, plan):
        open_ended = DeliverableFactory(
            objective__theme__plan=plan, delivery="From Q1", start_quarter=1, end_quarter=None
        )
        build(open_ended, 4, status="green").full_clean()
