from django.apps import AppConfig


class NhsukConfig(AppConfig):
    """Our crispy-forms template pack and widgets in NHS.UK design-system markup."""

    name = "nhsuk"
    verbose_name = "NHS.UK form layer"
