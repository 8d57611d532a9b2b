from decimal import Decimal

from django import forms

from nhsuk.text import CleanTextMixin
from objectives import series

# Values are kept to four decimal places (MeasureValue.value); more is rounded, not refused.
PLACES = Decimal("0.0001")
LARGEST = Decimal("1e12")


def stored_value(value: Decimal) -> Decimal:
    """The value as it will be stored, or ValueError if it cannot be."""
    if abs(value) >= LARGEST:
        raise ValueError("the value is too large (at most 999,999,999,999)")
    return value.quantize(PLACES)


class MeasureValueForm(CleanTextMixin, forms.Form):
    """One value, typed on the measure's page by its data owner."""

    period = forms.CharField(
        max_length=20,
        help_text="A month such as 2021-04 or Apr 2021; a quarter such as 2021/22 Q1.",
        error_messages={"required": "Enter the period, for example 2021-04."},
    )
    value = forms.DecimalField(
        error_messages={"required": "Enter the value.", "invalid": "Enter the value as a number."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
    )
    starts_segment = forms.BooleanField(
        label="Recalculate the limits from this period",
        required=False,
        help_text="Only after a known change in the process (a new pathway, a new definition).",
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        label="Note (optional)",
        help_text="For example why the limits are recalculated, or why the value changed.",
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["period"].widget.attrs["class"] = "nhsuk-input--width-10"
        if measure.unit:
            self.fields["value"].label = f"Value ({measure.unit})"

    def clean_period(self):
        try:
            period, _ = series.parse_period(self.cleaned_data["period"], self.measure.frequency)
        except ValueError as error:
            raise forms.ValidationError(f"Enter a real period: {error}.") from None
        return period

    def clean_value(self):
        try:
            return stored_value(self.cleaned_data["value"])
        except ValueError as error:
            raise forms.ValidationError(f"Enter a smaller value: {error}.") from None


class MeasureUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV or Excel file",
        help_text="The columns period and value, with a header row. You will see what changes "
        "before anything is saved.",
        error_messages={"required": "Choose a CSV or XLSX file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
