from django import forms

from assurance.baf.models import CONSEQUENCE, LIKELIHOOD, GapNote, RiskCommitteeView, RiskScore
from assurance.models import LEVEL_MEANINGS, Level
from common.versioning import VersionedFormMixin
from deliverables.models import Deliverable
from nhsuk.forms import NhsukFormMixin
from nhsuk.text import CleanTextMixin
from nhsuk.widgets import DateInput, RadioSelectWithHints

LIKELIHOOD_CHOICES = [(n, f"{n}: {label}") for n, label in LIKELIHOOD.items()]
CONSEQUENCE_CHOICES = [(n, f"{n}: {label}") for n, label in CONSEQUENCE.items()]


class RiskScoreForm(NhsukFormMixin, CleanTextMixin, VersionedFormMixin, forms.ModelForm):
    """The risk owner's score for the quarter: likelihood and consequence on the 5×5 scale."""

    submit = "Record the score"

    class Meta:
        model = RiskScore
        fields = ["likelihood", "consequence", "rationale"]
        widgets = {
            "likelihood": forms.RadioSelect(choices=LIKELIHOOD_CHOICES),
            "consequence": forms.RadioSelect(choices=CONSEQUENCE_CHOICES),
            "rationale": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        }
        labels = {"rationale": "Why this score"}
        help_texts = {
            "likelihood": "How likely the risk is to happen now, with the controls in place.",
            "consequence": "How bad it would be if it happened.",
            "rationale": "What moved it, or kept it, since last quarter: controls, assurances, "
            "gaps. Up to 2,000 characters.",
        }
        error_messages = {
            "likelihood": {"required": "Choose the likelihood, from 1 to 5."},
            "consequence": {"required": "Choose the consequence, from 1 to 5."},
            "rationale": {"required": "Say why the risk has this score."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radios of the 5×5 scale: anything else posted is a choice off the scale, said so.
        for name, choices in (
            ("likelihood", LIKELIHOOD_CHOICES),
            ("consequence", CONSEQUENCE_CHOICES),
        ):
            field = self.fields[name]
            message = f"Choose the {name}, from 1 to 5."
            self.fields[name] = forms.TypedChoiceField(
                label=field.label,
                help_text=field.help_text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )


class RiskViewForm(NhsukFormMixin, CleanTextMixin, VersionedFormMixin, forms.ModelForm):
    """The lead committee's view of how well the risk is assured this quarter."""

    submit = "Record the committee's view"

    class Meta:
        model = RiskCommitteeView
        fields = ["level", "comments"]
        widgets = {
            "level": RadioSelectWithHints(hints=LEVEL_MEANINGS),
            "comments": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        }
        help_texts = {
            "level": "The committee's level of assurance that the risk's controls work.",
            "comments": "What the committee checked and challenged. Up to 4,000 characters.",
        }
        error_messages = {"level": {"required": "Choose the level of assurance."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = Level.choices


class GapNoteForm(NhsukFormMixin, CleanTextMixin, forms.ModelForm):
    """A gap's action (a deliverable of the plan, or a free action with owner and date), and a
    decision to close it while its cause stands. The page draws the form and its two buttons."""

    class Meta:
        model = GapNote
        fields = ["action_deliverable", "action", "action_owner", "action_due", "decision"]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "action_due": DateInput,
            "decision": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
        help_texts = {
            "action_deliverable": "Where a deliverable of the plan will close the gap.",
            "action": "Otherwise, the action. Up to 2,000 characters.",
            "action_owner": "Who will do it.",
            "action_due": "For example, 31 3 2027.",
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["action_deliverable"]
        field.queryset = Deliverable.objects.in_plan(plan).select_related("objective")
        field.queryset = field.queryset.natural_order()
        field.empty_label = "No deliverable"
        field.label_from_instance = lambda d: f"{d.reference}: {d.description[:80]}"


class BafImportForm(NhsukFormMixin, forms.Form):
    submit = "Check the file"

    plan = forms.ModelChoiceField(
        queryset=None,
        label="Into the BAF of",
        empty_label=None,
        to_field_name="financial_year",
    )
    file = forms.FileField(
        label="The BAF spreadsheet",
        help_text="XLSX or CSV in the export's columns. Up to 2 MB.",
        error_messages={"required": "Choose the BAF spreadsheet to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        from objectives.models import Plan

        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.latest_first()
        self.fields["plan"].label_from_instance = lambda plan: plan.financial_year
        self.table = None

    def clean_file(self):
        from assurance.baf import sheet

        upload = self.cleaned_data["file"]
        if upload.size > sheet.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: a BAF fits in far less.")
        try:
            self.table = sheet.read_table(upload.name, upload.read())
        except sheet.BafFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload
