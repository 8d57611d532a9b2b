"""`manage.py api_token USERNAME`: a new read-API token for that person, printed once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken


class Command(BaseCommand):
    help = (
        "Make a new read-API token for a person and print it (the last word of the last line). "
        "It reads what that person may read; revoke it on their API tokens page."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Made with manage.py api_token")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No person with the username {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username} is deactivated: a token would not work.")
        _token, text = ApiToken.issue(user, name)
        self.stdout.write(f"A new API token for {username} (shown once):")
        self.stdout.write(text)
