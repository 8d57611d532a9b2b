"""Writes that change state across models: reviews, and opening and closing quarters."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assurance import reports
from assurance.models import AssuranceGroup, AssuranceReview, BoardReport
from deliverables.services import save_versioned
from objectives.models import Quarter
from objectives.roles import is_plan_admin


class QuarterStateError(ValidationError):
    pass


@transaction.atomic
def review_save(*, review: AssuranceReview, user, expected_version: int) -> AssuranceReview:
    """Record a group's level of assurance: its secretaries (or a plan administrator) only,
    and only while the quarter is open (a plan administrator's later correction is flagged)."""
    if not AssuranceGroup.objects.reviewable_by(user).filter(pk=review.assurance_group_id).exists():
        raise PermissionDenied("Only this group's secretaries can record its assurance.")
    quarter = review.quarter
    access = quarter.write_access(user, "assurance")
    if not access.allowed:
        raise QuarterStateError(access.reason)
    review.recorded_by = user
    review._history_user = user
    if access.correction:
        review.corrected_after_close = True
        review._change_reason = (
            f"Corrected by a plan administrator after {quarter.short_label} closed"
        )
    review.full_clean(validate_unique=False, validate_constraints=False)
    save_versioned(review, expected_version, stored=lambda: _stored(review))
    return review


def _stored(review):
    return AssuranceReview.objects.select_related("recorded_by").get(
        deliverable_id=review.deliverable_id,
        quarter_id=review.quarter_id,
        assurance_group_id=review.assurance_group_id,
    )


@transaction.atomic
def quarter_open(*, quarter: Quarter, user) -> Quarter:
    """Open a quarter for updates (one open quarter per plan)."""
    _require_admin(user)
    quarter = Quarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.is_open:
        raise QuarterStateError(f"{quarter.short_label} is already open.")
    other = Quarter.objects.open().filter(plan_id=quarter.plan_id).exclude(pk=quarter.pk).first()
    if other:
        raise QuarterStateError(
            f"{other.short_label} is open. Close it before opening {quarter.short_label}."
        )
    was_closed = quarter.is_closed
    _set_state(quarter, Quarter.State.OPEN, user, "Reopened" if was_closed else "Opened")
    return quarter


@transaction.atomic
def quarter_close(*, quarter: Quarter, user) -> BoardReport:
    """Close a quarter: lock its updates and reviews and fix its board report as it stands."""
    _require_admin(user)
    quarter = Quarter.objects.select_for_update().get(pk=quarter.pk)
    if not quarter.is_open:
        raise QuarterStateError(
            f"Only an open quarter can be closed; {quarter.short_label} is not."
        )
    _set_state(quarter, Quarter.State.CLOSED, user, "Closed")
    now = timezone.now()
    BoardReport.objects.filter(quarter=quarter, superseded_at__isnull=True).update(
        superseded_at=now
    )
    return BoardReport.objects.create(
        quarter=quarter, data=reports.report_data(quarter), created_by=user
    )


def _require_admin(user):
    if not is_plan_admin(user):
        raise PermissionDenied("Only plan administrators open and close quarters.")


def _set_state(quarter, state, user, reason):
    quarter.state = state
    quarter.state_changed_at = timezone.now()
    quarter.state_changed_by = user
    quarter._history_user = user
    quarter._change_reason = reason
    quarter.full_clean()
    quarter.save()
