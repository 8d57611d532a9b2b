from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What every app shares and no app owns; it has no models."""

    name = "common"
    verbose_name = "Shared"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from common import history, revision

        history.connect()
        request_started.connect(revision.request_started, dispatch_uid="revision.request")
        request_finished.connect(revision.request_finished, dispatch_uid="revision.request")
