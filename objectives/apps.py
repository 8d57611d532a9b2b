from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Plans and objectives"

    def ready(self):
        # Cached pages follow every change to the plan's data (common.revision); not the
        # counter itself.
        from common import revision
        from objectives import models

        revision.track(
            models.Plan,
            models.Quarter,
            models.Theme,
            models.Objective,
            models.KeyIndicator,
            models.Measure,
            models.MeasureValue,
        )
