from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Sum
from django.utils import timezone

from core.client_ip import client_ip


class LoginForm(AuthenticationForm):
    """Django's login form; the same message whatever was wrong, so accounts cannot be probed."""

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
