from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Plans and objectives"

    def ready(self):
        from common.history import expose_history_models

        # History models of models kept in a package (models/, measures/) import like any other.
        expose_history_models(self)

        # Cached pages follow every change to the plan's data (common.revision); not the
        # counter itself.
        from common import revision
        from objectives import models

        # They are also the "objectives" domain: what depends on them alone (the measures'
        # readings) is kept through changes to the rest (issue 32).
        revision.track(
            models.Plan,
            models.Quarter,
            models.Theme,
            models.Objective,
            models.KeyIndicator,
            models.Measure,
            models.MeasureValue,
            domain=revision.OBJECTIVES,
        )
