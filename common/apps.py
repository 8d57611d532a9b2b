from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What every app shares and no app owns; it has no models."""

    name = "common"
    verbose_name = "Shared"

    def ready(self):
        from common import history

        history.connect()
