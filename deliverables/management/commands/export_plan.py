import sys

from django.core.management.base import BaseCommand, CommandError

from deliverables import exports
from objectives.models import Plan


class Command(BaseCommand):
    help = "Export a plan's deliverables as CSV, JSON or XLSX (to stdout unless --output)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan",
            help="Financial year, for example 2021/22. Default: the current plan (its year "
            "contains today, else the latest).",
        )
        parser.add_argument("--format", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", help="File to write; standard output when omitted.")
        parser.add_argument(
            "--quarter",
            type=int,
            choices=[1, 2, 3, 4],
            help="Add that quarter's update columns (status, narrative, ...).",
        )

    def handle(self, *args, plan=None, format="csv", output=None, quarter=None, **options):
        chosen = self._plan(plan)
        quarter_obj = chosen.quarters.get(number=quarter) if quarter else None
        rows = list(exports.plan_rows(chosen, quarter_obj))
        columns = exports.columns_for(quarter_obj)
        if format == "xlsx":
            content = exports.to_xlsx(rows, columns, title=chosen.financial_year.replace("/", "-"))
        elif format == "json":
            content = exports.to_json(rows)
        else:
            content = exports.to_csv(rows, columns)
        self._write(content, output)
        if output:
            self.stderr.write(f"Wrote {len(rows)} deliverables of {chosen} to {output}.")

    def _plan(self, financial_year):
        if not financial_year:
            plan = Plan.objects.current()
            if plan is None:
                raise CommandError("There is no plan to export. Load one with `load_plan`.")
            return plan
        try:
            return Plan.objects.get(financial_year=financial_year)
        except Plan.DoesNotExist:
            known = ", ".join(Plan.objects.values_list("financial_year", flat=True)) or "none"
            raise CommandError(f"No plan for {financial_year}. Plans loaded: {known}.") from None

    def _write(self, content, output):
        if output:
            mode, encoding = ("wb", None) if isinstance(content, bytes) else ("w", "utf-8")
            try:
                with open(output, mode, encoding=encoding, newline="" if encoding else None) as f:
                    f.write(content)
            except OSError as error:
                raise CommandError(f"Could not write {output}: {error.strerror}.") from None
        elif isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(content, ending="")
