from django import forms

from assurance.models import LEVEL_MEANINGS, AssuranceReview, ChairReportItem, ReviewAction
from common.versioning import VersionedFormMixin
from deliverables.models import Deliverable
from nhsuk.forms import NhsukFormMixin
from nhsuk.text import CleanTextMixin
from nhsuk.widgets import RadioSelectWithHints
from objectives.measures.models import Measure


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


class ChairReportItemForm(NhsukFormMixin, CleanTextMixin, forms.ModelForm):
    """One point of a committee's chair's report: which part, what it says, what it cites (the
    group's own deliverables and the plan's measures, as tick boxes)."""

    submit = "Save the point"

    class Meta:
        model = ChairReportItem
        fields = ["kind", "text", "deliverables", "measures"]
        widgets = {
            "kind": RadioSelectWithHints(hints=ChairReportItem.KIND_MEANINGS),
            "text": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "deliverables": forms.CheckboxSelectMultiple,
            "measures": forms.CheckboxSelectMultiple,
        }
        labels = {
            "kind": "Part of the report",
            "text": "What the committee reports",
            "deliverables": "Deliverables it cites",
            "measures": "Key indicators it cites",
        }
        help_texts = {
            "text": "Up to 2,000 characters.",
            "deliverables": "The group's level of each, this quarter, is shown beside it in the "
            "board report.",
        }
        error_messages = {
            "kind": {"required": "Choose Alert, Advise or Assure."},
            "text": {"required": "Enter what the committee reports."},
        }

    def __init__(self, *args, group, quarter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ChairReportItem.Kind.choices
        deliverables = (
            Deliverable.objects.in_plan(quarter.plan)
            .filter(group_links__assurance_group=group)
            .select_related("objective")
            .natural_order()
        )
        self.fields["deliverables"].queryset = deliverables
        self.fields["deliverables"].label_from_instance = lambda d: (
            f"{d.reference}: {_short(d.description)}"
        )
        measures = Measure.objects.in_plan(quarter.plan)
        self.fields["measures"].queryset = measures
        if not measures.exists():
            del self.fields["measures"]


def _short(text: str, limit: int = 90) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
