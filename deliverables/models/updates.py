"""Status updates: an owner's quarterly word on a deliverable, its sign-off, and drafts as typed."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from simple_history.models import HistoricalRecords

from deliverables.status import (
    NARRATIVE_MAX,
    NEEDS_DATE,
    NEEDS_REASON,
    RATING_BASIS,
    TAG_CLASSES,
    TEXT_MAX,
    Status,
)


class SignOff(models.TextChoices):
    """Where a plan asks for executive sign-off (Plan.requires_sign_off), a delegate's update
    waits for the executive's approval, and counts as not yet submitted until then."""

    NOT_NEEDED = "", "Not needed"
    AWAITING = "awaiting", "Awaiting sign-off"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Signed off"


# Each sign-off state's NHS.UK tag: the one table (issue 26: chosen in templates before).
SIGN_OFF_TAGS = {
    SignOff.AWAITING: "nhsuk-tag--yellow",
    SignOff.RETURNED: "nhsuk-tag--orange",
    SignOff.APPROVED: "nhsuk-tag--green",
}


# An update in one of these counts as submitted: roll-ups, reports, exports and reminders.
SUBMITTED = (SignOff.NOT_NEEDED, SignOff.APPROVED)


class StatusUpdateQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related("updated_by", "quarter", "signed_off_by")

    def submitted(self):
        return self.filter(sign_off__in=SUBMITTED)

    def awaiting_sign_off_by(self, user):
        """Updates waiting for `user`'s sign-off: their Owners' as executive (every one, for a
        plan administrator)."""
        from objectives.roles import is_plan_admin

        waiting = self.filter(sign_off=SignOff.AWAITING)
        if is_plan_admin(user):
            return waiting
        return waiting.filter(deliverable__owners__executive=user).distinct()


class StatusUpdate(models.Model):
    """An executive owner's update on one deliverable for one quarter of its plan."""

    deliverable = models.ForeignKey(
        "deliverables.Deliverable", on_delete=models.CASCADE, related_name="updates"
    )
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="updates"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    narrative = models.TextField(
        "progress",
        validators=[MaxLengthValidator(NARRATIVE_MAX)],
        help_text=RATING_BASIS,
        error_messages={"blank": "Describe the progress made this quarter."},
    )
    reason_for_change = models.TextField(
        "reason for the change of status",
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX)],
    )
    risks = models.TextField(
        "risks and issues", blank=True, validators=[MaxLengthValidator(TEXT_MAX)]
    )
    next_steps = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    expected_date = models.DateField(
        "expected completion, recovery or deferral date", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)
    corrected_after_close = models.BooleanField(
        default=False,
        editable=False,
        help_text="An administrator changed this after its quarter closed.",
    )
    sign_off = models.CharField(
        max_length=10, choices=SignOff.choices, default=SignOff.NOT_NEEDED, blank=True
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    sign_off_comment = models.TextField(
        "comment on returning it",
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX)],
        help_text="Why the executive returned it, for the delegate.",
    )

    history = HistoricalRecords()
    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["deliverable_id", "quarter__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter"], name="one_update_per_deliverable_quarter"
            ),
        ]

    def __str__(self):
        return f"{self.deliverable.reference} Q{self.quarter.number}: {self.get_status_display()}"

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.status, "nhsuk-tag--grey")

    @property
    def sign_off_tag_class(self) -> str:
        return SIGN_OFF_TAGS.get(self.sign_off, "nhsuk-tag--grey")

    @property
    def is_submitted(self) -> bool:
        return self.sign_off in SUBMITTED

    @staticmethod
    def history_description(record) -> str:
        """How the deliverable page's history names a change to an update (a history record)."""
        verb = "created" if record.history_type == "+" else "changed"
        return f"Q{record.quarter.number} update {verb}"

    @staticmethod
    def history_for_readers(records):
        """The history records a reader who cannot write the update may see: those of text that
        counts (submitted). A delegate's text awaiting or returned from sign-off is the
        executive's and delegates' until approved, in history as everywhere else."""
        return records.filter(sign_off__in=SUBMITTED)

    def previous(self):
        """The same deliverable's update for the quarter before, if there is one."""
        return (
            StatusUpdate.objects.submitted()
            .filter(
                deliverable_id=self.deliverable_id,
                quarter__plan_id=self.quarter.plan_id,
                quarter__number=self.quarter.number - 1,
            )
            .select_related("quarter")
            .first()
        )

    def clean(self):
        errors = {}
        errors.update(self._quarter_errors())
        if self.narrative and not self.narrative.strip():
            # Empty is the field's own "blank" error; only whitespace needs saying here, once.
            errors["narrative"] = "Describe the progress made this quarter."
        previous = self.previous() if self.quarter_id else None
        reason = (self.reason_for_change or "").strip()
        if self.status in NEEDS_REASON and not reason:
            errors["reason_for_change"] = (
                f"Give the reason this deliverable is {self.get_status_display().lower()}."
            )
        elif previous and previous.status != self.status and not reason:
            errors["reason_for_change"] = (
                f"Give the reason the status changed from "
                f"{previous.get_status_display()} to {self.get_status_display()}."
            )
        errors.update(self._window_errors())
        errors.update(self._date_errors())
        if errors:
            raise ValidationError(errors)

    def _quarter_errors(self):
        # Not keyed on "quarter": forms never edit it, and a form cannot show a field it lacks.
        if not (self.quarter_id and self.deliverable_id):
            return {}
        deliverable = self.deliverable
        if self.quarter.plan_id != deliverable.objective.plan_id:
            return {NON_FIELD_ERRORS: "Choose a quarter of the deliverable's own plan."}
        if self.quarter.number < deliverable.start_quarter:
            return {
                NON_FIELD_ERRORS: (
                    f"{deliverable.reference} starts in Q{deliverable.start_quarter}: "
                    f"it has no update for Q{self.quarter.number}."
                )
            }
        if not deliverable.needs_update_in(self.quarter):
            return {
                NON_FIELD_ERRORS: (
                    f"{deliverable.reference} was completed or closed in an earlier quarter: "
                    f"it needs no update for Q{self.quarter.number}."
                )
            }
        return {}

    def _window_errors(self):
        # Green means "on track to deliver within the window": past the window it cannot be.
        if self.status != Status.GREEN or not (self.quarter_id and self.deliverable_id):
            return {}
        deliverable = self.deliverable
        if not deliverable.is_past_window_in(self.quarter):
            return {}
        return {
            "status": (
                f"{deliverable.reference}'s delivery window ended in Q{deliverable.end_quarter}, "
                "so it cannot be On track (Green), which means on track to deliver within the "
                "window. Choose At risk (Amber) or Off track (Red) with a recovery date, or "
                "Complete, Deferred or Closed."
            )
        }

    def _date_errors(self):
        if self.status in NEEDS_DATE and not self.expected_date:
            if self.status == Status.DEFERRED:
                return {"expected_date": "Enter the date this deliverable is deferred to."}
            return {
                "expected_date": (
                    f"Enter the expected completion or recovery date: it is needed when the "
                    f"status is {self.get_status_display()}."
                )
            }
        if not self.expected_date or not self.quarter_id:
            return {}
        quarter = self.quarter
        if self.expected_date < quarter.start:
            return {
                "expected_date": (
                    f"The expected date must be on or after {quarter.start:%-d %B %Y}, the "
                    f"start of {quarter.short_label}: a recovery date cannot be in the past."
                )
            }
        if self.status == Status.DEFERRED and self.expected_date <= quarter.end:
            return {
                "expected_date": (
                    f"A deferral moves the work past this quarter: enter a date after "
                    f"{quarter.end:%-d %B %Y}."
                )
            }
        if self.expected_date.year > quarter.end.year + 10:
            return {"expected_date": "Enter a date within the next ten years."}
        return {}


class UpdateDraftQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(author=user) if user.is_authenticated else self.none()


class UpdateDraft(models.Model):
    """What someone has typed into an update and not saved yet: kept on the server as they
    type, so it survives a closed tab, a lost connection or another device, and restored when
    they come back. Only its author sees it (only people who may edit the update can write one).
    A draft is never an update: no roll-up, report, export or reminder reads this model, and
    saving the update deletes it (`deliverables.services.status_update_save`)."""

    deliverable = models.ForeignKey(
        "deliverables.Deliverable", on_delete=models.CASCADE, related_name="drafts"
    )
    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.CASCADE, related_name="update_drafts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="update_drafts"
    )
    # The form's inputs as typed (names without the form's prefix), whether valid or not.
    data = models.JSONField(default=dict)
    # The update's version when the draft was typed: a newer one means someone saved since.
    base_version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(auto_now=True)

    objects = UpdateDraftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "quarter", "author"], name="one_draft_per_author"
            ),
        ]

    def __str__(self):
        return f"Draft of {self.deliverable.reference} Q{self.quarter.number} by {self.author}"

    def is_older_than(self, update) -> bool:
        """Whether someone saved `update` after this draft was typed: the form warns of it, and
        saving the draft's version over the newer one is then a conflict."""
        return update is not None and update.pk is not None and update.version > self.base_version
