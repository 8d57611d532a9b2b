from datetime import timedelta

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Sum
from django.utils import timezone

from common.http import client_ip
from nhsuk.text import CleanTextMixin
from objectives.models import Plan
from objectives.quarters import parse_financial_year


class LoginForm(AuthenticationForm):
    """Django's login form; the same message whatever was wrong, so accounts cannot be probed."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # With single sign-on in use, local passwords can be kept for break-glass accounts only.
        if settings.LOCAL_SIGN_IN == "break-glass" and not (
            user.is_superuser or user.get_username() in settings.BREAK_GLASS_USERNAMES
        ):
            raise ValidationError(
                "Sign in with your NHS account: passwords here are for emergency access only.",
                code="sso_only",
            )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(spellcheck="false", autocapitalize="none")
        # Django sets the length limit on the widget only; enforce it, so an over-long name is
        # a form error and never reaches authentication (or the lockout table's 255 columns).
        limit = self.fields["username"].max_length
        self.fields["username"].validators.append(MaxLengthValidator(limit))
        self.fields["password"].validators.append(MaxLengthValidator(4096))

    def clean(self):
        if self.request is not None and self._address_is_spraying():
            self.request.audit_event = "lockout"
            self.request.audit_outcome = "too many failed sign-ins from this address"
            raise ValidationError(
                "There have been too many failed sign-ins from your network. Wait "
                f"{_minutes(settings.AXES_COOLOFF_TIME)} minutes, then try again.",
                code="address_locked",
            )
        return super().clean()

    def _address_is_spraying(self) -> bool:
        """Failed sign-ins from this address across every username, within the cool-off."""
        since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
        failures = AccessAttempt.objects.filter(
            ip_address=client_ip(self.request), attempt_time__gte=since
        ).aggregate(total=Sum("failures_since_start"))["total"]
        return (failures or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def _minutes(hours: float) -> int:
    return max(1, round(hours * 60))


class PlanStartForm(CleanTextMixin, forms.Form):
    """Next year's plan: its financial year and title."""

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


class PlanImportForm(CleanTextMixin, forms.Form):
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
        from core import plan_import

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


class ApiTokenForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What is it for?",
        help_text="For example “Power BI board pack”. You can make one for each tool.",
        error_messages={"required": "Say what the token is for."},
    )


class PersonForm(CleanTextMixin, forms.Form):
    first_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the first name."}
    )
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter the last name."})
    email = forms.EmailField(
        max_length=254,
        label="E-mail address",
        help_text="Their NHS e-mail: single sign-on matches people by it.",
        error_messages={
            "required": "Enter their e-mail address.",
            "invalid": "Enter an e-mail address like name@nhs.net.",
        },
    )

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError("Someone already has this e-mail address.")
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", error_messages={"required": "Choose a role."})

    def __init__(self, *args, **kwargs):
        from core.people import role_choices

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role")] + role_choices()
