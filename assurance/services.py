"""Writes that change state across models: reviews, and opening and closing quarters."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assurance.models import (
    AssuranceGroup,
    AssuranceReview,
    ChairReportItem,
    ReviewAction,
    action_lines,
)
from common.db import retried
from common.versioning import save_versioned
from deliverables.models import Deliverable
from objectives.models import Quarter


class QuarterStateError(ValidationError):
    """The quarter's state refuses this write (closed, not open yet)."""


@retried
@transaction.atomic
def review_save(*, review: AssuranceReview, user, expected_version: int) -> AssuranceReview:
    """Record a group's level of assurance: its secretaries (or a plan administrator) only,
    and only while the quarter is open (a plan administrator's later correction is flagged)."""
    if not AssuranceGroup.objects.reviewable_by(user).filter(pk=review.assurance_group_id).exists():
        raise PermissionDenied("Only this group's secretaries can record its assurance.")
    quarter = review.quarter = Quarter.objects.held_for_writing(review.quarter_id)
    access = quarter.write_access(user, "assurance")
    if not access.allowed:
        raise QuarterStateError(access.reason)
    review.recorded_by = user
    review._history_user = user
    access.mark(review)
    review.full_clean(validate_unique=False, validate_constraints=False)
    save_versioned(review, expected_version, stored=lambda: _stored(review))
    _sync_actions(review, user)
    return review


def _sync_actions(review, user):
    """One action per line of the review's "actions requested". A line taken out withdraws its
    action, unless the owner has answered it: then it is closed, and the answer kept."""
    wanted = action_lines(review.actions_requested)
    existing = {action.text: action for action in review.actions.all()}
    for text in wanted:
        if text not in existing:
            action = ReviewAction(review=review, deliverable_id=review.deliverable_id, text=text)
            action._history_user = user
            action.save()
    for text, action in existing.items():
        if text in wanted:
            continue
        action._history_user = user
        if action.response:
            if action.is_open:
                _set_closed(action, user, closed=True)
        else:
            action.delete()


@transaction.atomic
def action_respond(*, action: ReviewAction, user, response: str) -> ReviewAction:
    """The owner's response to an action their committee asked of them: whoever may write the
    deliverable's update, while the action is open (in any quarter: committees meet later)."""
    if not Deliverable.objects.editable_by(user).filter(pk=action.deliverable_id).exists():
        raise PermissionDenied("Only the deliverable's owners can respond to its actions.")
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        raise ValidationError("This action is closed: ask the group's secretary to reopen it.")
    action.response = response
    action.responded_by, action.responded_at = user, timezone.now()
    action._history_user, action._change_reason = user, "answered"
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_close(*, action: ReviewAction, user, closed: bool) -> ReviewAction:
    """The group's secretary (or a plan administrator) closes an action, or reopens it."""
    group = action.review.assurance_group_id
    if not AssuranceGroup.objects.reviewable_by(user).filter(pk=group).exists():
        raise PermissionDenied("Only the group's secretaries can close or reopen its actions.")
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    _set_closed(action, user, closed)
    return action


def _set_closed(action, user, closed):
    action.closed_by, action.closed_at = (user, timezone.now()) if closed else (None, None)
    action._history_user, action._change_reason = user, "closed" if closed else "reopened"
    action.save()


def _stored(review):
    return AssuranceReview.objects.select_related("recorded_by").get(
        deliverable_id=review.deliverable_id,
        quarter_id=review.quarter_id,
        assurance_group_id=review.assurance_group_id,
    )


def _chair_access(item: ChairReportItem, user) -> None:
    """The rule of a review, for a chair's report: the group's secretaries (or a plan
    administrator), while the quarter is open (an administrator's correction after)."""
    if not AssuranceGroup.objects.reviewable_by(user).filter(pk=item.assurance_group_id).exists():
        raise PermissionDenied("Only this group's secretaries can write its chair's report.")
    quarter = item.quarter = Quarter.objects.held_for_writing(item.quarter_id)
    access = quarter.write_access(user, "assurance")
    if not access.allowed:
        raise QuarterStateError(access.reason)


@retried
@transaction.atomic
def chair_item_save(*, item: ChairReportItem, user, deliverables=(), measures=()):
    """Add or change one point of a group's chair's report, with what it cites (only the
    group's own deliverables of the quarter's plan, and that plan's measures)."""
    _chair_access(item, user)
    plan_id = item.quarter.plan_id
    deliverables = list(deliverables)
    foreign = [
        d.reference
        for d in deliverables
        if d.objective.plan_id != plan_id
        or not d.group_links.filter(assurance_group_id=item.assurance_group_id).exists()
    ]
    if foreign:
        raise ValidationError(
            f"{item.assurance_group} does not give assurance on {', '.join(foreign)} in "
            f"{item.quarter.plan.financial_year}."
        )
    item.recorded_by = user
    item._history_user = user
    item.full_clean()
    item.save()
    item.deliverables.set(deliverables)
    item.measures.set([m for m in measures if m.objective.plan_id == plan_id])
    return item


@retried
@transaction.atomic
def chair_item_delete(*, item: ChairReportItem, user) -> None:
    _chair_access(item, user)
    item._history_user = user
    item.delete()
