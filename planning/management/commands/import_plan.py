"""`manage.py import_plan FILE --plan 2022/23`: a plan from a spreadsheet or the plan document."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from objectives.quarters import parse_financial_year
from planning import importing as plan_import


class Command(BaseCommand):
    help = (
        "Import a plan from the XLSX or CSV columns export_plan writes, or from the trust's "
        "plan document saved as tab-separated text. All or nothing: any invalid row stops it. "
        "Importing the same file into the same plan again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="The financial year, e.g. 2022/23.")
        parser.add_argument("--title", default="", help="The plan's title (a new plan needs one).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created; write nothing."
        )
        parser.add_argument(
            "--change-updated",
            action="store_true",
            help="Change deliverables that already have updates (the dry run lists them).",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create the owners and assurance groups the file names that do not exist yet.",
        )

    def handle(
        self, *args, file, plan, title, dry_run, create_missing, change_updated=False, **options
    ):
        try:
            parse_financial_year(plan)
        except ValidationError as error:
            raise CommandError(f"--plan: {error.messages[0]}") from None
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            reading = plan_import.read(path.name, data)
        except plan_import.PlanFileError as error:
            raise CommandError(str(error)) from None
        self._report(reading)
        if reading.errors:
            raise CommandError(
                f"Nothing was imported: {len(reading.errors)} problem"
                f"{'s' if len(reading.errors) != 1 else ''} above."
            )
        self._changes(plan_import.changes(reading, plan, title))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            outcome = plan_import.apply(
                reading,
                financial_year=plan,
                title=title,
                create_missing=create_missing,
                change_updated=change_updated,
                user=None,
                source=path.name,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if outcome.nothing_changed:
            self.stdout.write(f"Nothing changed: {outcome.plan} already holds this file.")
            return
        created = ", ".join(f"{n} {what}" for what, n in outcome.created.items() if n)
        changed = ", ".join(f"{n} {what}" for what, n in outcome.changed.items() if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {outcome.plan}."
                + (f" Created: {created}." if created else "")
                + (f" Changed: {changed}." if changed else "")
            )
        )

    def _changes(self, found):
        """What the import would change in the plan that exists: the page's list, as text."""
        changed = [c for c in found if not c.is_new]
        for change in changed:
            mark = " [has updates]" if change.has_updates else ""
            self.stdout.write(
                f"Change {change.what}, {change.field}{mark}: {change.old!r} -> {change.new!r}"
            )
        new = [c.what for c in found if c.is_new]
        if new:
            self.stdout.write(f"New: {', '.join(new)}")

    def _report(self, reading):
        counts = reading.counts()
        self.stdout.write(
            f"Read {counts['deliverables']} deliverables in {counts['objectives']} objectives "
            f"and {max(counts['themes'], len(reading.themes))} themes "
            f"({'the plan document' if reading.kind == 'document' else 'plan columns'})."
        )
        if reading.new_owners:
            self.stdout.write(f"New owners (not in uhbplan yet): {', '.join(reading.new_owners)}")
        if reading.new_groups:
            self.stdout.write(
                f"New assurance groups (not in uhbplan yet): {'; '.join(reading.new_groups)}"
            )
        for warning in reading.warnings:
            self.stdout.write(f"Warning: {warning}")
        for error in reading.errors:
            self.stderr.write(error)
