"""Make a demo signing key and self-signed certificate for the board record, and point the local
.env at them (`make run` does this once). For a developer's machine only: a trust signs with a
key and certificate from its own certificate authority (docs/board-record.md)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reporting.record import signing


class Command(BaseCommand):
    help = "Make a demo board record signing key and self-signed certificate (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="Default: .signing beside the settings file.")
        parser.add_argument(
            "--env-file", help="Add the paths here. Default: the settings file in use (.env)."
        )

    def handle(self, *args, folder, env_file, **options):
        # The local settings file the settings read (UHBPLAN_ENV_FILE, else .env).
        env_file = env_file or os.environ.get("UHBPLAN_ENV_FILE") or settings.BASE_DIR / ".env"
        folder = Path(folder or Path(env_file).parent / ".signing")
        key, cert = folder / "demo-signing-key.pem", folder / "demo-signing-cert.pem"
        if not (key.exists() and cert.exists()):
            key, cert = signing.make_demo_pair(folder, settings.TRUST_NAME)
            self.stdout.write(
                f"Made a demo signing key and self-signed certificate in {folder}/ (git-ignored): "
                "closed quarters' board report PDFs are signed with them. Not for production."
            )
        env = Path(env_file)
        text = env.read_text() if env.exists() else ""
        if "BOARD_RECORD_SIGNING_KEY" not in text:
            with env.open("a") as out:
                out.write(
                    "# The board record's demo signing key (make_signing_key; not for production)\n"
                    f"BOARD_RECORD_SIGNING_KEY={key.resolve()}\n"
                    f"BOARD_RECORD_SIGNING_CERT={cert.resolve()}\n"
                )
            self.stdout.write(f"Pointed {env} at them.")
