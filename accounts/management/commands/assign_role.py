from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from assurance.models import AssuranceGroup
from deliverables.models import Owner


class Command(BaseCommand):
    help = (
        "Give a user a role: executive owner (--owner CODE), assurance-group secretary "
        "(--group CODE), plan administrator (--admin) or viewer (--viewer). Options repeat; "
        "--remove takes the given roles away."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--owner", action="append", default=[], metavar="CODE")
        parser.add_argument("--group", action="append", default=[], metavar="CODE")
        parser.add_argument("--admin", action="store_true")
        parser.add_argument("--viewer", action="store_true")
        parser.add_argument("--remove", action="store_true", help="Remove instead of add.")

    def handle(self, *args, username, owner, group, admin, viewer, remove, **options):
        if not (owner or group or admin or viewer):
            raise CommandError("Say which role: --owner CODE, --group CODE, --admin or --viewer.")
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}. Create it first.") from None
        owners = self._find(Owner, owner, lambda code: Owner.objects.filter(code__iexact=code))
        groups = self._find(
            AssuranceGroup,
            group,
            lambda code: (
                AssuranceGroup.objects.filter(code__iexact=code)
                or AssuranceGroup.objects.filter(name__iexact=code)
            ),
        )
        with transaction.atomic():
            for item in owners:
                (item.users.remove if remove else item.users.add)(user)
            for item in groups:
                (item.secretaries.remove if remove else item.secretaries.add)(user)
            if admin:
                self._toggle(user, PLAN_ADMINISTRATORS, remove)
                user.is_staff = not remove or user.is_superuser
                user.save(update_fields=["is_staff"])
            if viewer:
                self._toggle(user, VIEWERS, remove)
        self.stdout.write(self.style.SUCCESS(self._summary(user)))

    def _find(self, model, codes, lookup):
        found = []
        for code in codes:
            matches = list(lookup(code))
            if not matches:
                known = ", ".join(sorted(str(item) for item in model.objects.all()))
                raise CommandError(
                    f"No {model._meta.verbose_name} {code!r}. Known: {known or 'none'}."
                )
            found += matches
        return found

    def _toggle(self, user, name, remove):
        role, _ = Group.objects.get_or_create(name=name)
        (user.groups.remove if remove else user.groups.add)(role)

    def _summary(self, user):
        roles = ", ".join(user.groups.order_by("name").values_list("name", flat=True)) or "none"
        owners = ", ".join(user.owners.values_list("code", flat=True)) or "none"
        groups = ", ".join(str(g) for g in user.assurance_groups.all()) or "none"
        return f"{user.username}: roles {roles}; owner of {owners}; secretary of {groups}."
