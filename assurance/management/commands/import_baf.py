from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assurance.baf import sheet
from deliverables.management.commands.export_plan import Command as ExportPlan


class Command(BaseCommand):
    help = (
        "Import a Board Assurance Framework spreadsheet (XLSX or CSV, in `export_baf`'s "
        "columns) into a plan's BAF. Every row is checked first; nothing is written while any "
        "row has a problem, or with --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XLSX or CSV file.")
        parser.add_argument(
            "--plan", help="Financial year, for example 2026/27. Default: the current plan."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; write nothing."
        )
        parser.add_argument(
            "--user",
            help="The username the changes are recorded under in history (default: none).",
        )

    def handle(self, *args, file, plan=None, dry_run=False, user=None, **options):
        chosen = ExportPlan._plan(self, plan)
        try:
            with open(file, "rb") as handle:
                data = handle.read(sheet.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Could not read {file}: {error.strerror}.") from None
        try:
            reading = sheet.read(file, data, chosen)
        except sheet.BafFileError as error:
            raise CommandError(str(error)) from None
        if not reading.is_valid:
            for error in reading.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Nothing was imported: {len(reading.errors)} problem"
                f"{'s' if len(reading.errors) != 1 else ''} in the file."
            )
        found = sheet.changes(reading)
        for line in found:
            self.stdout.write(line)
        if not found:
            self.stdout.write(f"Nothing would change: {chosen}'s BAF already holds this file.")
            return
        if dry_run:
            self.stdout.write(f"Dry run: {len(found)} risks would change; nothing was written.")
            return
        person = None
        if user:
            person = get_user_model().objects.filter(username=user).first()
            if person is None:
                raise CommandError(f"No user is called {user}.")
        sheet.apply(reading, person)
        self.stdout.write(f"Imported: {len(found)} risks new or changed in {chosen}'s BAF.")
