"""Starting and importing a plan."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from nhsuk.forms import NhsukFormMixin
from nhsuk.text import CleanTextMixin
from objectives.models import Plan
from objectives.quarters import DELIVERY_WINDOWS, WHOLE_YEAR, parse_financial_year


class PlanStartForm(NhsukFormMixin, CleanTextMixin, forms.Form):
    """Next year's plan: its financial year and title."""

    submit = "Start the plan"

    financial_year = forms.CharField(
        max_length=7,
        help_text="Two consecutive years, for example 2022/23.",
        error_messages={"required": "Enter the financial year, for example 2022/23."},
    )
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the plan's title."},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-30"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].widget.attrs["class"] = "nhsuk-input--width-5"

    def clean_financial_year(self):
        year = self.cleaned_data["financial_year"].strip()
        parse_financial_year(year)  # ValidationError with its own message
        if Plan.objects.filter(financial_year=year).exists():
            raise ValidationError(f"There is already a {year} plan.")
        return year


class PlanImportForm(NhsukFormMixin, CleanTextMixin, forms.Form):
    submit = "Check the file"

    file = forms.FileField(
        label="The plan file",
        help_text="XLSX or CSV in the plan export's columns (download the template below), or "
        "the plan document saved as tab-separated text. Up to 5 MB.",
        error_messages={"required": "Choose the plan file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt,.tsv"}),
    )
    financial_year = forms.CharField(
        max_length=7,
        label="Into the plan for",
        help_text="The financial year, for example 2022/23. A new year's plan is created.",
        error_messages={"required": "Enter the financial year, for example 2022/23."},
    )
    title = forms.CharField(
        max_length=200,
        required=False,
        label="Title (for a new plan)",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-30"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].widget.attrs["class"] = "nhsuk-input--width-5"
        self.reading = None

    def clean_financial_year(self):
        year = self.cleaned_data["financial_year"].strip()
        parse_financial_year(year)
        return year

    def clean_file(self):
        from planning import importing as plan_import

        upload = self.cleaned_data["file"]
        if upload.size > plan_import.MAX_BYTES:
            raise ValidationError(plan_import.TOO_LARGE)
        try:
            self.reading = plan_import.read(upload.name, upload.read())
        except plan_import.PlanFileError as error:
            raise ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("financial_year")
        if (
            year
            and not cleaned.get("title")
            and not Plan.objects.filter(financial_year=year).exists()
        ):
            self.add_error("title", f"Enter a title for the new {year} plan.")
        return cleaned


class ImportConfirmForm(NhsukFormMixin, forms.Form):
    """Confirming a previewed import: the signed preview, and whether to create the owners and
    groups the file names that do not exist yet (offered only when there are some)."""

    submit = "Import the plan"

    preview = forms.CharField(widget=forms.HiddenInput)
    create_missing = forms.BooleanField(
        label="Create the new owners and assurance groups listed above", required=False
    )
    change_updated = forms.BooleanField(
        label="Change the deliverables marked “has updates”: their updates stay attached to "
        "the new text",
        required=False,
    )

    def __init__(self, *args, offer_create: bool = True, offer_change: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_create:
            del self.fields["create_missing"]
        if not offer_change:
            del self.fields["change_updated"]
        self.helper.form_action = reverse("planning:plan_import")


class RolloverSourceForm(NhsukFormMixin, forms.Form):
    """Which earlier plan to roll deliverables over from."""

    submit = "Show"
    submit_class = "nhsuk-button--secondary"
    method = "get"

    source = forms.ChoiceField(label="From the plan")

    def __init__(self, earlier, source):
        super().__init__(initial={"source": source.pk}, prefix=None)
        self.fields["source"].choices = [(plan.pk, plan.financial_year) for plan in earlier]
        self.helper.form_class = "uhb-inline-form"


WINDOW_CHOICES = [
    (window, "The whole year (Q1-4)" if window == WHOLE_YEAR else window)
    for window in DELIVERY_WINDOWS
]


class CarryForm(NhsukFormMixin, forms.Form):
    """One row of the roll-over table: whether to carry a deliverable, and its delivery window in
    the new year (the whole year unless chosen: its old window would be over already)."""

    hide_optional = True  # neither is a question to answer: a tick, and a window with a default

    carry = forms.BooleanField(required=False)
    window = forms.ChoiceField(choices=WINDOW_CHOICES, required=False)

    def __init__(self, data=None, *, candidate, target, ticked=None):
        reference = candidate.deliverable.reference
        initial = {
            "carry": candidate.chosen_by_default if ticked is None else ticked,
            "window": WHOLE_YEAR,
        }
        super().__init__(data, initial=initial, prefix=f"d{candidate.deliverable.pk}")
        self.candidate = candidate
        self.fields["carry"].label = f"Carry over {reference}"
        self.fields["window"].label = f"Its window in {target.financial_year}"

    @property
    def chosen_window(self) -> str:
        return self.cleaned_data.get("window") or WHOLE_YEAR


class CarryAllForm(NhsukFormMixin, forms.Form):
    """One window for every ticked deliverable, instead of row by row."""

    hide_optional = True

    window_all = forms.ChoiceField(
        label="Window for every deliverable ticked",
        choices=[("", "As chosen on each row")] + WINDOW_CHOICES,
        required=False,
    )
