from django import forms

from deliverables.models import StatusUpdate
from deliverables.status import MEANINGS, NARRATIVE_MAX, RATING_BASIS, TEXT_MAX, Status
from nhsuk.widgets import DateInput, RadioSelectWithHints


class StatusUpdateForm(forms.ModelForm):
    """An executive's quarterly update. The model's clean() holds the rules; this adds the
    version the user loaded, so a save over someone else's newer one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = StatusUpdate
        fields = [
            "status",
            "narrative",
            "reason_for_change",
            "risks",
            "next_steps",
            "expected_date",
        ]
        widgets = {
            "status": RadioSelectWithHints(hints=MEANINGS),
            "narrative": forms.Textarea(attrs={"rows": 5, "maxlength": NARRATIVE_MAX}),
            "reason_for_change": forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}),
            "risks": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
            "next_steps": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
            "expected_date": DateInput,
        }
        labels = {"status": "Status"}
        help_texts = {
            "status": RATING_BASIS,
            "narrative": f"What was done this quarter. Up to {NARRATIVE_MAX:,} characters.",
            "reason_for_change": (
                "Needed when the status differs from last quarter's, and for Deferred or "
                f"Closed. Up to {TEXT_MAX:,} characters."
            ),
            "risks": f"Up to {TEXT_MAX:,} characters.",
            "next_steps": f"Up to {TEXT_MAX:,} characters.",
            "expected_date": (
                "Needed for At risk and Off track (when it will be back on track or delivered) "
                "and for Deferred (the date it is deferred to). For example, 31 3 2022."
            ),
        }
        error_messages = {
            "status": {"required": "Choose the status of this deliverable."},
            "narrative": {"required": "Describe the progress made this quarter."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Status.choices
        self.fields["expected_date"].error_messages["invalid"] = (
            "Enter a real date, for example 31 3 2022."
        )
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0
