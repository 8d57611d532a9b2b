from django.core.management.base import BaseCommand, CommandError

from deliverables import standings


class Command(BaseCommand):
    help = (
        "Recompute every deliverable's stored position in every quarter from the rule "
        "(after a bulk change made outside the application, or to repair). With --check, "
        "change nothing and report where the stored positions differ from the rule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare: exit with an error if any stored position is wrong.",
        )

    def handle(self, *args, check=False, **options):
        if not check:
            count = standings.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Stored {count} positions."))
            return
        wrong = standings.disagreements()
        for deliverable_id, quarter_id, stored, expected in wrong[:20]:
            self.stdout.write(
                f"Deliverable {deliverable_id}, quarter {quarter_id}: stored {stored}, "
                f"the rule says {expected}"
            )
        if wrong:
            raise CommandError(
                f"{len(wrong)} stored position(s) differ from the rule; "
                "run `manage.py rebuild_positions` to recompute them."
            )
        self.stdout.write(self.style.SUCCESS("Every stored position agrees with the rule."))
