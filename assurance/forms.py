from django import forms

from assurance.models import LEVEL_MEANINGS, AssuranceReview, ReviewAction
from common.versioning import VersionedFormMixin
from nhsuk.forms import NhsukFormMixin
from nhsuk.text import CleanTextMixin
from nhsuk.widgets import RadioSelectWithHints


class AssuranceReviewForm(NhsukFormMixin, CleanTextMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AssuranceReview
        fields = ["level", "comments", "actions_requested"]
        widgets = {
            "level": RadioSelectWithHints(hints=LEVEL_MEANINGS),
            "comments": forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
            "actions_requested": forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
        }
        help_texts = {
            "level": "The group's level of assurance that this deliverable will be delivered.",
            "comments": "Up to 4,000 characters.",
            "actions_requested": (
                "What the group asks of the owner, one action per line: each becomes an action "
                "the owner responds to and you close. Up to 4,000 characters."
            ),
        }
        error_messages = {"level": {"required": "Choose the level of assurance."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = AssuranceReview._meta.get_field("level").choices


class ActionResponseForm(NhsukFormMixin, CleanTextMixin, forms.ModelForm):
    submit = "Save response"

    class Meta:
        model = ReviewAction
        fields = ["response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 5, "maxlength": 4000})}
        labels = {"response": "Your response"}
        help_texts = {
            "response": "What has been done, or will be, and by when. Up to 4,000 characters."
        }
        error_messages = {"response": {"required": "Enter your response to the action."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].required = True
