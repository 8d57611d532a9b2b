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
from nhsuk.forms import NhsukFormMixin
from nhsuk.layout import Fieldset
from nhsuk.text import CleanTextMixin


class LoginForm(NhsukFormMixin, AuthenticationForm):
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


class ApiTokenForm(NhsukFormMixin, CleanTextMixin, forms.Form):
    submit = "Make a token"

    def layout(self):
        return [Fieldset("Make a token", *self.fields)]

    name = forms.CharField(
        max_length=100,
        label="What is it for?",
        help_text="For example “Power BI board pack”. You can make one for each tool.",
        error_messages={"required": "Say what the token is for."},
    )


class PersonForm(NhsukFormMixin, CleanTextMixin, forms.Form):
    submit = "Add the person"

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


class RoleForm(NhsukFormMixin, forms.Form):
    role = forms.ChoiceField(label="Role", error_messages={"required": "Choose a role."})

    def __init__(self, *args, **kwargs):
        from accounts.people import role_choices

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role")] + role_choices()


class IdentityForm(NhsukFormMixin, forms.Form):
    """Link a person to their identity at the single sign-on provider, by its subject (as the
    provider's admin centre shows it: Entra "tenant id:object id", CIS2 the UUID)."""

    subject = forms.CharField(
        label="Their identity at the sign-in provider",
        max_length=300,
        help_text="Entra ID: the tenant id and object id, as tenant:object. NHS CIS2: the "
        "user's UUID. Anyone else: the provider's subject (sub).",
        error_messages={"required": "Enter the identity to link."},
    )

    def clean_subject(self):
        return self.cleaned_data["subject"].strip()
