import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from objectives.models import Quarter
from planning import reminders


class Command(BaseCommand):
    help = (
        "E-mail the day's reminders: executives (and delegates) before and on the deadline, "
        "administrators after it, secretaries when their group's updates are all in. "
        "Run daily; running twice in a day sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, send nothing.")
        parser.add_argument("--today", help="Act as if today were YYYY-MM-DD.")
        parser.add_argument(
            "--days-before-deadline",
            type=int,
            metavar="DAYS",
            help="Act as if today were DAYS before the reporting quarter's deadline (negative: "
            "after it), whenever that is: for trying it out on the demo.",
        )

    def handle(self, *args, dry_run=False, today=None, days_before_deadline=None, **options):
        day = self._day(today)
        if days_before_deadline is not None:
            day = self._before_deadline(days_before_deadline)
        messages = reminders.planned(day)
        sent = skipped = 0
        for message in messages:
            who = f"{message.recipient.username} <{message.email or 'no address'}>"
            line = f"{message.subject} ({len(message.deliverables)} deliverables)"
            refs = ", ".join(d.reference for d in message.deliverables)
            if not message.email:
                self.stderr.write(
                    self.style.WARNING(f"Skipped {message.recipient.username}: no e-mail address.")
                )
                skipped += 1
            elif reminders.already_sent(message):
                self.stdout.write(f"Already sent to {who}: {line}")
            elif dry_run:
                self.stdout.write(f"Would send to {who}: {line}: {refs}")
            elif reminders.send(message, day):
                self.stdout.write(f"Sent to {who}: {line}")
                sent += 1
        if dry_run:
            summary = f"{day:%Y-%m-%d}: {len(messages) - skipped} reminder(s) would be sent"
            summary += " (dry run: nothing sent)"
        else:
            summary = f"{day:%Y-%m-%d}: {len(messages)} reminder(s) due, {sent} sent"
        if skipped:
            summary += f", {skipped} skipped for want of an address"
        self.stdout.write(self.style.SUCCESS(summary + "."))

    def _before_deadline(self, days):
        quarter = Quarter.objects.current()
        if quarter is None or quarter.deadline is None:
            raise CommandError("No quarter is open with a deadline, so there is nothing to chase.")
        return quarter.deadline - datetime.timedelta(days=days)

    def _day(self, value):
        if not value:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today must be a date like 2021-10-08, not {value!r}.") from None
