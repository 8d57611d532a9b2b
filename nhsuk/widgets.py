import datetime

from django import forms


class RadioSelectWithHints(forms.RadioSelect):
    """Radios whose options each carry a hint, shown under the option (NHS.UK radios).

    `conditionals` maps an option's value to the names of other fields of the same form that
    belong to it: they are revealed under that option when it is chosen (the NHS.UK conditional
    reveal). Without JavaScript they all show, each with its own hint saying when it is needed.
    """

    def __init__(self, *args, hints=None, conditionals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = dict(hints or {})
        self.conditionals = {str(k): list(v) for k, v in (conditionals or {}).items()}


class DateInput(forms.MultiWidget):
    """The NHS.UK date input: separate day, month and year boxes."""

    template_name = "nhsuk/widgets/date_input.html"
    nhsuk_date = True

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            # As typed (see value_from_datadict): an impossible or half-typed date is shown
            # again as the person left it, box by box.
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            (part or "").strip() for part in super().value_from_datadict(data, files, name)
        )
        if not (day or month or year):
            return ""
        # An incomplete or impossible date reaches DateField as text it cannot parse, so the
        # user gets the field's "Enter a real date" message rather than a silent blank.
        return f"{year}-{month}-{day}"

    def format_value(self, value):
        return value
