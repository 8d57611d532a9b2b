from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


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
