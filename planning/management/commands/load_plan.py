import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deliverables import standings
from objectives.models import Plan

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "plan_2021_22.json"


class Command(BaseCommand):
    help = (
        "Load a plan fixture (default: the 2021/22 plan). Safe to run again: a plan already "
        "in the database is left as it is, so administrators' corrections are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default=str(DEFAULT_FIXTURE))
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Overwrite the plan's rows with the fixture's, even if already loaded.",
        )

    def handle(self, *args, fixture, reload=False, **options):
        path = Path(fixture)
        financial_year = self._financial_year(path)
        if Plan.objects.filter(financial_year=financial_year).exists() and not reload:
            self.stdout.write(f"The {financial_year} plan is already loaded; nothing to do.")
            return
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
            # loaddata saves "raw" rows, which simple-history does not record; give every row
            # its first history entry so that later changes have something to compare with.
            call_command("populate_history", auto=True, verbosity=0)
            plan = Plan.objects.get(financial_year=financial_year)
            plan.ensure_quarters()
            # Raw rows skip the signals that store positions: store the plan's now.
            standings.refresh_quarters(plan.quarters.all())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {plan}: {plan.themes.count()} themes, {plan.objectives.count()} "
                f"objectives, {sum(o.deliverables.count() for o in plan.objectives.all())} "
                "deliverables."
            )
        )

    def _financial_year(self, path: Path) -> str:
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the plan fixture {path}: {error}") from None
        years = [
            row["fields"]["financial_year"] for row in rows if row["model"] == "objectives.plan"
        ]
        if len(years) != 1:
            raise CommandError(f"{path} must hold exactly one plan; it holds {len(years)}.")
        return years[0]
