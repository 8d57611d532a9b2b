from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assurance.models import AssuranceGroup
from deliverables.models import Owner

# Known passwords: for a developer's machine only (the command refuses when DEBUG is off).
DEMO_PASSWORD = "demo-plan-2021"

DEMO_ACCOUNTS = [
    # username, full name, role, owner codes, assurance group codes
    ("admin", "Alex Administrator", "Plan administrator", [], []),
    ("cdo", "Dana Digital", "Executive owner (CDO)", ["CDO"], []),
    ("cfo", "Frankie Finance", "Executive owner (CFO)", ["CFO"], []),
    ("cdo-delegate", "Devi Delegate", "Delegate for the CDO", ["CDO"], []),
    ("dhg-secretary", "Sam Secretary", "Secretary of DHG", [], ["DHG"]),
    ("viewer", "Val Viewer", "Board member (read only)", [], []),
]


class Command(BaseCommand):
    help = "Create demo accounts for local development. Refuses to run when DEBUG is off."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (a demo or training instance only; never production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with known passwords, so it only runs with DEBUG on. "
                "Use --force on a demo or training instance only."
            )
        with transaction.atomic():
            for username, full_name, _role, owner_codes, group_codes in DEMO_ACCOUNTS:
                self._account(username, full_name, owner_codes, group_codes)
        self._print_accounts()

    def _account(self, username, full_name, owner_codes, group_codes):
        User = get_user_model()
        first, last = full_name.split(" ", 1)
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.nhs.uk"
        user.is_staff = user.is_superuser = username == "admin"
        user.set_password(DEMO_PASSWORD)
        user.save()
        for owner in Owner.objects.filter(code__in=owner_codes):
            owner.users.add(user)
        for group in AssuranceGroup.objects.filter(code__in=group_codes):
            group.secretaries.add(user)

    def _print_accounts(self):
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for username, _name, role, _owners, _groups in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role}")
