"""Writes that change state across models: saving a status update."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from common.db import retried
from common.versioning import UpdateConflict, save_versioned
from deliverables.models import Deliverable, SignOff, StatusUpdate, UpdateDraft
from objectives.models import Quarter


class QuarterClosed(ValidationError):
    pass


@retried
@transaction.atomic
def status_update_save(*, update: StatusUpdate, user, expected_version: int) -> StatusUpdate:
    """Save an executive's update, refusing stale versions and closed quarters.

    `update` carries the new values (from a validated form); `expected_version` is the version
    the user loaded (0 for a new update). Raises PermissionDenied, QuarterClosed or
    UpdateConflict; on any of them nothing is written.
    """
    if not Deliverable.objects.editable_by(user).filter(pk=update.deliverable_id).exists():
        raise PermissionDenied("You cannot update this deliverable.")
    quarter = update.quarter = Quarter.objects.held_for_writing(update.quarter_id)
    access = quarter.write_access(user, "updates")
    if not access.allowed:
        raise QuarterClosed(access.reason)
    update.updated_by = user
    update._history_user = user  # the author, whether called from a request or not
    access.mark(update)
    _sign_off_on_save(update, user)
    update.full_clean(validate_unique=False, validate_constraints=False)
    save_versioned(update, expected_version, stored=lambda: _stored(update))
    # What they typed is now the update: their draft of it has done its work.
    UpdateDraft.objects.filter(
        deliverable_id=update.deliverable_id, quarter_id=update.quarter_id, author=user
    ).delete()
    return update


def _sign_off_on_save(update, user):
    """Where the plan asks for sign-off, an executive's own save is their sign-off, and a
    delegate's waits for it (counting as not submitted until then)."""
    if not update.quarter.plan.requires_sign_off:
        update.sign_off, update.signed_off_by, update.signed_off_at = SignOff.NOT_NEEDED, None, None
    elif update.deliverable.can_be_signed_off_by(user):
        update.sign_off, update.signed_off_by, update.signed_off_at = (
            SignOff.APPROVED,
            user,
            timezone.now(),
        )
        update.sign_off_comment = ""
    else:
        update.sign_off, update.signed_off_by, update.signed_off_at = SignOff.AWAITING, None, None


@retried
@transaction.atomic
def update_sign_off(
    *, update: StatusUpdate, user, approve: bool, comment: str = "", version: int | None = None
):
    """The executive approves a delegate's update (it counts from now on), or returns it with a
    comment saying what to change. Only an update awaiting sign-off, in an open quarter, and
    only the `version` the executive read (by default, `update`'s own): text the delegate
    changed since is refused with UpdateConflict, so nobody approves what they never saw."""
    if not update.deliverable.can_be_signed_off_by(user):
        raise PermissionDenied("Only the deliverable's executive can sign off its updates.")
    seen = update.version if version is None else version
    quarter = Quarter.objects.held_for_writing(update.quarter_id)
    update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    if update.sign_off != SignOff.AWAITING:
        raise ValidationError("This update is no longer awaiting sign-off.")
    if update.version != seen:
        raise UpdateConflict(_stored(update))
    update.quarter = quarter
    access = quarter.write_access(user, "updates")
    if not access.allowed:
        raise QuarterClosed(access.reason)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError("Say what needs to change, so the delegate can put it right.")
    update.sign_off = SignOff.APPROVED if approve else SignOff.RETURNED
    update.sign_off_comment = "" if approve else comment
    update.signed_off_by, update.signed_off_at = user, timezone.now()
    update.version += 1  # a delegate's form opened before this is now out of date
    update._history_user = user
    update._change_reason = "Signed off" if approve else "Returned for changes"
    update.full_clean(validate_unique=False, validate_constraints=False)
    update.save()
    return update


def _stored(update):
    return StatusUpdate.objects.with_people().get(
        deliverable_id=update.deliverable_id, quarter_id=update.quarter_id
    )
