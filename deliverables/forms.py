import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict

from common.versioning import VersionedFormMixin
from deliverables.filters import plan_choices
from deliverables.models import StatusUpdate
from deliverables.status import (
    MEANINGS,
    NARRATIVE_MAX,
    NEEDS_DATE,
    NEEDS_REASON,
    RATING_BASIS,
    TEXT_MAX,
    Status,
)
from nhsuk.forms import NhsukFormMixin
from nhsuk.text import CleanTextMixin
from nhsuk.widgets import DateInput, RadioSelectWithHints

# The fields revealed under the status that needs them (the NHS.UK conditional reveal), one per
# status that needs a date or a reason (status.NEEDS_DATE, status.NEEDS_REASON, the one
# statement of which does): each status has its own inputs, so a date typed under Amber is not
# sent when Red is chosen.
DATE_FIELDS = {status: f"{status}_date" for status in NEEDS_DATE}
REASON_FIELDS = {status: f"{status}_reason" for status in NEEDS_REASON}
CONDITIONALS = {
    status: [field for field in (REASON_FIELDS.get(status), DATE_FIELDS.get(status)) if field]
    for status in Status
    if status in DATE_FIELDS or status in REASON_FIELDS
}


def _date_field(label, hint):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        help_text=f"{hint} For example, 31 3 2022.",
        error_messages={"invalid": "Enter a real date, for example 31 3 2022."},
    )


def _reason_field(label, hint):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}),
        help_text=f"{hint} Up to {TEXT_MAX:,} characters.",
    )


class StatusUpdateForm(NhsukFormMixin, CleanTextMixin, VersionedFormMixin, forms.ModelForm):
    """An executive's quarterly update. The model's clean() holds the rules; this adds the
    version the user loaded (so a save over someone else's newer one is refused) and shows each
    status's date and reason under that status."""

    amber_date = _date_field(
        "Expected recovery date",
        "Needed for At risk: when it will be back on track or delivered.",
    )
    red_date = _date_field(
        "Expected recovery date",
        "Needed for Off track: when it will be back on track or delivered.",
    )
    deferred_reason = _reason_field("Reason for deferring", "Needed for Deferred.")
    deferred_date = _date_field(
        "Deferred to", "Needed for Deferred: the date the work is deferred to."
    )
    closed_reason = _reason_field("Reason for closing", "Needed for Closed.")
    field_order = ["status", "narrative", "no_change"]
    no_change = forms.BooleanField(
        label="No change since last quarter",
        required=False,
        help_text="Tick to confirm that last quarter's progress text still says it all.",
    )

    class Meta:
        model = StatusUpdate
        fields = ["status", "narrative", "reason_for_change", "risks", "next_steps"]
        widgets = {
            "status": RadioSelectWithHints(hints=MEANINGS, conditionals=CONDITIONALS),
            "narrative": forms.Textarea(attrs={"rows": 5, "maxlength": NARRATIVE_MAX}),
            "reason_for_change": forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}),
            "risks": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
            "next_steps": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
        }
        labels = {"status": "Status"}
        help_texts = {
            "status": RATING_BASIS,
            "narrative": f"What was done this quarter. Up to {NARRATIVE_MAX:,} characters.",
            "risks": f"Up to {TEXT_MAX:,} characters.",
            "next_steps": f"Up to {TEXT_MAX:,} characters.",
        }
        error_messages = {
            "status": {"required": "Choose the status of this deliverable."},
            "narrative": {"required": "Describe the progress made this quarter."},
        }

    def __init__(self, *args, previous=..., **kwargs):
        """`previous` is last quarter's update, where the caller has it (lists prefetch it)."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Status.choices
        for name in ["reason_for_change", *DATE_FIELDS.values(), *REASON_FIELDS.values()]:
            # Required by some answers: the hint says which, and the label never says optional.
            self.fields[name].sometimes_required = True
        if previous is ...:  # not given: look it up
            previous = self.instance.previous() if self.instance.quarter_id else None
        self.previous, self.copied_from, self.restored_from = previous, None, None
        if previous is None:
            del self.fields["no_change"]  # nothing to be unchanged from
        self.fields["reason_for_change"].help_text = self._reason_hint(previous)
        if self.instance.quarter_id:
            self._date_examples(self.instance.quarter.end)
        if not self.is_bound:
            self._initial_from_instance()

    @property
    def past_window(self) -> bool:
        """This quarter is after the deliverable's delivery window: Green cannot be chosen."""
        update = self.instance
        return bool(
            update.quarter_id
            and update.deliverable_id
            and update.deliverable.is_past_window_in(update.quarter)
        )

    @property
    def green_refused(self) -> bool:
        """The form holds Green (typed, restored or copied from last quarter) where it cannot
        stand: said as soon as the form shows, not only when the save is refused."""
        return self.past_window and self["status"].value() == Status.GREEN

    def _date_examples(self, day):
        """Date hints and messages give an example in the form's own quarter (its last day),
        not a fixed year's."""
        example = f"{day.day} {day.month} {day.year}"
        for name in DATE_FIELDS.values():
            field = self.fields[name]
            field.help_text = re.sub(
                r"For example, [0-9 ]+\.$", f"For example, {example}.", field.help_text
            )
            field.error_messages["invalid"] = f"Enter a real date, for example {example}."

    def _reason_hint(self, previous) -> str:
        since = (
            f" ({previous.quarter.short_label}: {previous.get_status_display()})"
            if previous
            else ""
        )
        return (
            f"Needed when the status differs from last quarter's{since}. For Deferred or "
            f"Closed, give the reason under that status. Up to {TEXT_MAX:,} characters."
        )

    def _initial_from_instance(self, update=None):
        update = update or self.instance
        status = update.status
        if status in DATE_FIELDS and update.expected_date:
            self.initial[DATE_FIELDS[status]] = update.expected_date
        if status in REASON_FIELDS:
            self.initial[REASON_FIELDS[status]] = update.reason_for_change
            self.initial["reason_for_change"] = ""

    @classmethod
    def from_draft(cls, draft, instance, prefix):
        """The form as the person left it: their draft's inputs, shown as typed and not judged
        (it is validated when they save). The version is the one the draft was typed against,
        so saving over a newer update is a conflict they see, not a silent overwrite."""
        data = {f"{prefix}-{name}": value for name, value in draft.data.items()}
        data[f"{prefix}-version"] = str(draft.base_version)
        form = cls(data, instance=instance, prefix=prefix)
        form._errors = ErrorDict()  # shown, not validated: no error messages on return
        form.restored_from = draft
        return form

    @property
    def draft_is_stale(self) -> bool:
        """Restored from a draft that someone's later save has overtaken."""
        return self.restored_from is not None and self.restored_from.is_older_than(self.instance)

    def draft_data(self, data) -> dict[str, str]:
        """The inputs of this form found in `data` (a POST), by name without the prefix, as a
        draft keeps them. Raises ValidationError for a value longer than any input takes."""
        kept = {}
        for name, field in self.fields.items():
            if name == "version":
                continue
            suffixes = getattr(field.widget, "widgets_names", None)  # a date's day, month, year
            inputs = [name + suffix for suffix in suffixes] if suffixes else [name]
            for input_name in inputs:
                value = data.get(self.add_prefix(input_name))
                if value is None:
                    continue
                if len(value) > NARRATIVE_MAX:
                    raise ValidationError(f"{field.label} is too long to keep as a draft.")
                kept[input_name] = value
        return kept

    def start_from_previous(self) -> bool:
        """Fill the form with last quarter's update, to be reviewed and changed where
        different ("start from last quarter"). False when there is none to copy."""
        previous = self.previous
        if previous is None or self.is_bound:
            return False
        self.initial.update(
            status=previous.status,
            narrative=previous.narrative,
            risks=previous.risks,
            next_steps=previous.next_steps,
            reason_for_change="",
        )
        self._initial_from_instance(previous)
        self.copied_from = previous
        return True

    def clean(self):
        cleaned = super().clean()
        self._check_unchanged_narrative(cleaned)
        status = cleaned.get("status")
        # Only the chosen status's inputs count; the others may hold text from a change of mind.
        date_field = DATE_FIELDS.get(status)
        self.instance.expected_date = cleaned.get(date_field) if date_field else None
        if status in REASON_FIELDS:
            given = (cleaned.get(REASON_FIELDS[status]) or "").strip()
            general = (cleaned.get("reason_for_change") or "").strip()
            # Nothing typed is dropped: a general reason typed as well is kept after it.
            parts = [given] + ([general] if general != given else [])
            cleaned["reason_for_change"] = "\n\n".join(part for part in parts if part)
        return cleaned

    def _check_unchanged_narrative(self, cleaned):
        """Last quarter's progress saved unchanged (usually copied) must be confirmed."""
        narrative = (cleaned.get("narrative") or "").strip()
        if (
            self.previous is not None
            and narrative
            and narrative == self.previous.narrative.strip()
            and not cleaned.get("no_change")
        ):
            self.add_error(
                "narrative",
                f"This is {self.previous.quarter.short_label}'s progress, unchanged. Describe "
                "this quarter's progress, or tick 'No change since last quarter' to confirm.",
            )

    def add_error(self, field, error):
        """The model speaks of `expected_date` and `reason_for_change`; point its messages at
        the inputs the person used for the chosen status."""
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            status = self.cleaned_data.get("status") if hasattr(self, "cleaned_data") else None
            remapped = {}
            for name, errors in error.error_dict.items():
                target = self._input_for(name, status)
                if target != NON_FIELD_ERRORS and target in self.errors:
                    continue  # that input already says what is wrong with it
                remapped.setdefault(target, []).extend(errors)
            if not remapped:
                return
            error = ValidationError(remapped)
        super().add_error(field, error)

    def _input_for(self, name, status):
        if name == "expected_date":
            return DATE_FIELDS.get(status, NON_FIELD_ERRORS)
        if name == "reason_for_change" and status in REASON_FIELDS:
            return REASON_FIELDS[status]
        return name


class SignOffForm(NhsukFormMixin, CleanTextMixin, forms.Form):
    """The executive's decision on a delegate's update: approve, or return with a comment."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return")])
    # The version the executive read: what they approve is that text, or nothing.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2_147_483_647,
        error_messages={"required": "This page was out of date: read the update again below."},
    )
    comment = forms.CharField(
        label="What needs to change",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
        help_text=f"Needed to return it: the delegate sees this. Up to {TEXT_MAX:,} characters.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Say what needs to change, so the delegate can put it right.")
        return cleaned


class PlanQuarterForm(NhsukFormMixin, forms.Form):
    """Choose the plan and quarter a page speaks of (the dashboard, the board report; the RAG
    grid, which shows every quarter, chooses the plan only)."""

    submit = "Show"
    submit_class = "nhsuk-button--secondary uhb-inline-button"
    method = "get"

    plan = forms.ChoiceField(label="Plan")
    quarter = forms.ChoiceField(label="Quarter")

    def __init__(self, filterset, *, with_quarter: bool = True):
        plan, quarter = filterset.plan_obj, filterset.quarter_obj
        initial = {
            "plan": plan.financial_year if plan else "",
            "quarter": quarter.number if quarter else "",
        }
        super().__init__(initial=initial, auto_id="choose-%s")
        choices = plan_choices()
        self.fields["plan"].choices = [(year, year) for year in choices["plans"]]
        if with_quarter and plan is not None:
            self.fields["quarter"].choices = list(choices["quarters"].get(plan.pk, ()))
        else:
            del self.fields["quarter"]

    def make_helper(self):
        helper = super().make_helper()
        helper.form_class = "uhb-inline-form"
        helper.wrapper_class = "uhb-inline-field"
        return helper
