from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Plans and objectives"

    def ready(self):
        # Cached pages follow every change to the plan's data (objectives.revision).
        from objectives import revision

        revision.connect()
