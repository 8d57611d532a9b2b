"""Writes that change state across models: saving a status update."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from deliverables.models import Deliverable, StatusUpdate


class UpdateConflict(Exception):
    """Someone saved a newer version of the update since this one was loaded."""

    def __init__(self, current: StatusUpdate):
        super().__init__("The update was changed by someone else.")
        self.current = current


class QuarterClosed(ValidationError):
    pass


@transaction.atomic
def status_update_save(*, update: StatusUpdate, user, expected_version: int) -> StatusUpdate:
    """Save an executive's update, refusing stale versions and closed quarters.

    `update` carries the new values (from a validated form); `expected_version` is the version
    the user loaded (0 for a new update). Raises PermissionDenied, QuarterClosed or
    UpdateConflict; on any of them nothing is written.
    """
    if not Deliverable.objects.editable_by(user).filter(pk=update.deliverable_id).exists():
        raise PermissionDenied("You cannot update this deliverable.")
    quarter = update.quarter
    access = quarter.write_access(user, "updates")
    if not access.allowed:
        raise QuarterClosed(access.reason)
    if update.pk is None:
        _check_first_save(update, expected_version)
    else:
        _claim_version(update, expected_version)
    update.updated_by = user
    update._history_user = user  # the author, whether called from a request or not
    update.corrected_after_close = update.corrected_after_close or access.correction
    if access.correction:
        update._change_reason = (
            f"Corrected by a plan administrator after {quarter.short_label} closed"
        )
    update.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint: a concurrent first save makes this insert fail, which is a conflict.
        with transaction.atomic():
            update.save()
    except IntegrityError:
        raise UpdateConflict(_stored(update)) from None
    return update


def _stored(update):
    return StatusUpdate.objects.with_people().get(
        deliverable_id=update.deliverable_id, quarter_id=update.quarter_id
    )


def _check_first_save(update, expected_version):
    exists = StatusUpdate.objects.filter(
        deliverable_id=update.deliverable_id, quarter_id=update.quarter_id
    ).exists()
    if exists:
        raise UpdateConflict(_stored(update))
    update.version = 1


def _claim_version(update, expected_version):
    """Move the stored version on by one only if it is still the one the user loaded."""
    claimed = StatusUpdate.objects.filter(pk=update.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise UpdateConflict(StatusUpdate.objects.with_people().get(pk=update.pk))
    update.version = expected_version + 1
