"""Export the whole board record as one ZIP for a place of deposit (docs/board-record.md).

    python manage.py export_board_record board-record.zip

Every record's PDF (made now where it never was) and canonical JSON, the chain's manifest, the
trust's certificate and a README saying how to check them.
"""

from django.core.management.base import BaseCommand, CommandError

from reporting.record import export, signing


class Command(BaseCommand):
    help = "Write the whole board record (PDFs, JSON, manifest, certificate) as one ZIP."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the ZIP.")

    def handle(self, *args, path, **options):
        try:
            export.archive_file(path)
        except signing.SigningUnavailable as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote the board record to {path}."))
