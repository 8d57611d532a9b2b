"""Verify a board record PDF offline, or the whole stored chain (issue 31, docs/board-record.md).

    python manage.py verify_board_record FILE.pdf [--cert CERT.pem ...]
    python manage.py verify_board_record --chain

A file's check needs no database and no network: the PDF and the trust's certificate (by
default the configured BOARD_RECORD_SIGNING_CERT). Exit 0 only when every check holds.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.record import signing, verify


class Command(BaseCommand):
    help = "Verify a board record PDF (offline), or every stored record and the chain."
    # A file's check must run where there is no database: no system checks touch one.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A board report PDF to verify.")
        parser.add_argument(
            "--cert",
            action="append",
            help="The trust's certificate (PEM or DER), and any between it and the signer's; "
            "default: the configured BOARD_RECORD_SIGNING_CERT and chain.",
        )
        parser.add_argument(
            "--chain", action="store_true", help="Check every stored record and the chain."
        )

    def handle(self, *args, file=None, cert=None, chain=False, **options):
        if bool(file) == bool(chain):
            raise CommandError("Give a PDF to verify, or --chain (not both).")
        try:
            trusted = signing.trusted_certificates(cert)
        except (OSError, ValueError) as error:
            raise CommandError(f"The certificate cannot be read: {error}.") from error
        if chain:
            return self.check_chain(trusted)
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from error
        result = verify.verify(content, trusted)
        self.report(file, result)
        if not result.verified:
            raise CommandError(f"{file} is NOT verified.", returncode=1)

    def report(self, name, result):
        for label, value in result.summary():
            if value:
                self.stdout.write(f"{label}: {value}")
        if result.timestamped_at:
            self.stdout.write(f"Timestamped: {result.timestamped_at.isoformat()}")
        for failure in result.failures:
            self.stderr.write(f"FAILED: {failure}")
        if result.verified:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name} is verified: signed with the trust's certificate, unchanged since, "
                    "and its embedded data is the record it was signed as."
                )
            )

    def check_chain(self, trusted):
        count, problems = verify.record_problems(trusted)
        for problem in problems:
            self.stderr.write(f"FAILED: {problem}")
        if problems:
            raise CommandError(f"The board record chain is BROKEN ({len(problems)}).", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"The chain holds: {count} record(s), each matching its hash and "
                "following the one before it; every kept PDF verifies."
            )
        )
