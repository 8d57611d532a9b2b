from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Plans and objectives"

    def ready(self):
        from objectives.roles import sync_roles

        # Setup data, not domain logic: the role groups follow the code after every migrate.
        post_migrate.connect(sync_roles, dispatch_uid="objectives.sync_roles")
