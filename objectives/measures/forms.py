import datetime
from decimal import Decimal

from django import forms
from django.core import signing

from nhsuk.forms import NhsukFormMixin
from nhsuk.layout import Fieldset
from nhsuk.text import CleanTextMixin
from objectives.measures import series

# Values are kept to four decimal places (MeasureValue.value); more is rounded, not refused.
PLACES = Decimal("0.0001")
LARGEST = Decimal("1e12")


def stored_value(value: Decimal) -> Decimal:
    """The value as it will be stored, or ValueError if it cannot be."""
    if abs(value) >= LARGEST:
        raise ValueError("the value is too large (at most 999,999,999,999)")
    return value.quantize(PLACES)


class MeasureValueForm(NhsukFormMixin, CleanTextMixin, forms.Form):
    """One value, typed on the measure's page by its data owner."""

    def layout(self):
        return [Fieldset("Add or correct a value", *self.fields, heading="h3")]

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
        label="Note",
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


class MeasureUploadForm(NhsukFormMixin, forms.Form):
    """A file of values, read row by row. Valid means readable: `rows` holds what would be
    saved and `row_errors` every row's problem; a preview shows both, and saves nothing."""

    def layout(self):
        return [Fieldset("Upload values", *self.fields, heading="h3")]

    file = forms.FileField(
        label="Upload a CSV or Excel file",
        help_text="The columns period and value, with a header row. You will see what changes "
        "before anything is saved.",
        error_messages={"required": "Choose a CSV or XLSX file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, measure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.rows, self.row_errors = [], []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Before reading: a 400 MB upload waits on disk, and must not be read into memory.
        if upload.size > series.MAX_BYTES:
            raise forms.ValidationError(series.TOO_LARGE)
        try:
            found = series.read_file(upload.name, upload.read(), self.measure.frequency)
        except series.SeriesError as error:
            raise forms.ValidationError(str(error)) from None
        self.row_errors = list(found.errors)
        for row in found.rows:
            try:
                self.rows.append((row.period, stored_value(row.value)))
            except ValueError as error:
                self.row_errors.append(f"Row {row.number}: {error}.")
        return upload

    def preview_token(self) -> str:
        """The checked rows, signed, for "Save these values"; empty when any row is wrong."""
        if self.row_errors:
            return ""
        rows = [[period.isoformat(), str(value)] for period, value in self.rows]
        return signing.dumps(
            {"measure": self.measure.pk, "rows": rows}, salt=UPLOAD_SALT, compress=True
        )


UPLOAD_SALT = "objectives.measure_upload"
PREVIEW_MAX_AGE = 60 * 60  # an hour to read the preview and confirm


def previewed_rows(token: str, measure) -> list:
    """The rows a preview showed for `measure`; signing.BadSignature if the token was changed,
    has expired, or belongs to another measure."""
    try:
        data = signing.loads(token, salt=UPLOAD_SALT, max_age=PREVIEW_MAX_AGE)
        if data["measure"] != measure.pk:
            raise signing.BadSignature("another measure's preview")
        return [(datetime.date.fromisoformat(p), Decimal(v)) for p, v in data["rows"]]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise signing.BadSignature("not a preview") from None
