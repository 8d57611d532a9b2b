from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site shell: the home router, health checks, error pages, middleware and the audit
    log. It sits above every other app and owns no domain data."""

    name = "core"
    verbose_name = "Site"

    def ready(self):
        from core import audit

        audit.connect()
