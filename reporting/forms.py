"""The board paper's cover."""

from django import forms

from nhsuk.forms import NhsukFormMixin
from nhsuk.layout import Fieldset
from nhsuk.text import CleanTextMixin
from nhsuk.widgets import DateInput
from reporting.models import BoardPaperCover


class BoardPaperCoverForm(NhsukFormMixin, CleanTextMixin, forms.ModelForm):
    meeting_date = forms.DateField(
        label="Meeting date",
        required=False,
        widget=DateInput,
        help_text="For example, 28 10 2021.",
        error_messages={"invalid": "Enter a real date, for example 28 10 2021."},
    )

    def layout(self):
        return [
            Fieldset("The meeting", "meeting", "meeting_date", "agenda_item", "session"),
            Fieldset(
                "The paper",
                "report_title",
                "executive_sponsor",
                "author",
                "purpose",
                "previously_considered_by",
            ),
            Fieldset(
                "What the Board is asked",
                "key_messages",
                "recommendation",
                "strategic_risks",
                "implications",
            ),
        ]

    class Meta:
        model = BoardPaperCover
        fields = [
            "meeting",
            "meeting_date",
            "agenda_item",
            "session",
            "report_title",
            "executive_sponsor",
            "author",
            "purpose",
            "previously_considered_by",
            "key_messages",
            "recommendation",
            "strategic_risks",
            "implications",
        ]
        widgets = {
            "purpose": forms.RadioSelect,
            "session": forms.RadioSelect,
            "key_messages": forms.Textarea(attrs={"rows": 8, "maxlength": 3000}),
            "recommendation": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "strategic_risks": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "implications": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
