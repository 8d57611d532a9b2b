"""`manage.py remind_expiring_tokens`: e-mail each holder of an API token that stops working
within two weeks, once (run daily, beside `send_reminders`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import REMIND_DAYS_BEFORE, ApiToken


class Command(BaseCommand):
    help = (
        f"E-mail the holders of API tokens that stop working within {REMIND_DAYS_BEFORE} days "
        "(once per token), so a Power BI refresh does not fail unannounced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say who; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        tokens = ApiToken.objects.expiring().select_related("user")
        sent = 0
        for token in tokens:
            person = token.user
            if not person.email:
                self.stdout.write(f"{person.get_username()}: no e-mail address, not reminded.")
                continue
            ends = timezone.localtime(token.expires_at)
            if dry_run:
                self.stdout.write(
                    f"Would remind {person.email}: “{token.name}” ends {ends:%-d %B %Y}."
                )
                continue
            with transaction.atomic():
                # Marked first, inside the transaction: a second run never sends it twice.
                if not ApiToken.objects.filter(pk=token.pk, reminded_at__isnull=True).update(
                    reminded_at=timezone.now()
                ):
                    continue
                send_mail(
                    f"Your uhbplan API token “{token.name}” stops working on {ends:%-d %B %Y}",
                    f"Your API token “{token.name}” ({token.hint}…) stops working on "
                    f"{ends:%-d %B %Y}. Make a new one on your API tokens page "
                    f"({settings.SITE_URL.rstrip('/')}{reverse('api_tokens')}) and put it in "
                    "the reporting tool that uses this one, then revoke the old one.",
                    None,
                    [person.email],
                )
            sent += 1
        if not dry_run:
            self.stdout.write(f"Reminded {sent} token holder{'s' * (sent != 1)}.")
