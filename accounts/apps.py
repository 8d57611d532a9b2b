from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """People and their access: roles, the People pages, sign-in (local and single sign-on),
    API tokens. The lowest of the site's edges: the API, the demo and the site shell use it."""

    name = "accounts"
    verbose_name = "People and access"

    def ready(self):
        from accounts import roles

        # Setup data, not domain logic: the role groups follow the code after every migrate.
        post_migrate.connect(roles.sync_roles, dispatch_uid="accounts.sync_roles")
        roles.connect_role_signals()
