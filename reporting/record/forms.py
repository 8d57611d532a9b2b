from django import forms
from django.core.exceptions import ValidationError

from nhsuk.forms import NhsukFormMixin

MAX_BYTES = 5 * 1024 * 1024


class VerifyForm(NhsukFormMixin, forms.Form):
    submit = "Check the PDF"

    file = forms.FileField(
        label="The board report PDF",
        help_text="A closed quarter's board report as downloaded from uhbplan, up to 5 MB. It is "
        "checked here and not kept.",
        error_messages={"required": "Choose the PDF to check."},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                "The file is larger than 5 MB: a board report PDF is smaller. Check it is the "
                "right file."
            )
        return upload
