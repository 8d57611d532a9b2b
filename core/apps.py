from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """What belongs to no domain app: roles, the home router, health checks, error pages,
    middleware, logging, the User admin, demo data and bench tooling. It sits above the
    domain apps (objectives ← deliverables ← assurance ← core) and may use all of them."""

    name = "core"
    verbose_name = "Site"

    def ready(self):
        from core import audit, roles

        # Setup data, not domain logic: the role groups follow the code after every migrate.
        post_migrate.connect(roles.sync_roles, dispatch_uid="core.sync_roles")
        roles.connect_role_signals()
        audit.connect()
