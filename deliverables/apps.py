from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "deliverables"
    verbose_name = "Deliverables and updates"

    def ready(self):
        # Stored positions follow every save and delete (deliverables.standings).
        from deliverables import standings  # noqa: F401
