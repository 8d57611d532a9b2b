from django.core.management.base import CommandError

from assurance.baf import sheet
from deliverables.management.commands.export_plan import Command as ExportPlan


class Command(ExportPlan):
    """The plan export's command, for the BAF: the same choice of plan and way of writing."""

    help = (
        "Export a plan's Board Assurance Framework as XLSX or CSV (to stdout unless --output), "
        "one row a principal risk; `import_baf` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan",
            help="Financial year, for example 2026/27. Default: the current plan.",
        )
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", help="File to write; standard output when omitted.")
        parser.add_argument(
            "--quarter",
            type=int,
            choices=[1, 2, 3, 4],
            help="The quarter whose scores and open gaps are written for reading (default: the "
            "plan's open quarter, else its latest reported one).",
        )

    def handle(self, *args, plan=None, format="xlsx", output=None, quarter=None, **options):
        chosen = self._plan(plan)
        quarters = chosen.quarters.order_by("number")
        found = (
            quarters.filter(number=quarter).first()
            if quarter
            else quarters.filter(state="open").first() or quarters.exclude(state="upcoming").last()
        )
        if found is None and quarter:
            raise CommandError(f"{chosen} has no Q{quarter}.")
        table = sheet.rows(chosen, found)
        content = sheet.to_xlsx(table) if format == "xlsx" else sheet.to_csv(table)
        self._write(content, output)
        if output:
            self.stderr.write(f"Wrote {len(table) - 1} principal risks of {chosen} to {output}.")
