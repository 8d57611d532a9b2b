"""Who is chased for which updates on a given day, and sending those e-mails once.

`planned(today)` works out every message due that day; `send(messages)` sends each one that has
not been sent before and records it (`SentReminder`), so running twice in a day sends nothing
twice. Only open quarters with a deadline are chased.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from assurance.models import AssuranceGroup, SentReminder
from deliverables.models import Deliverable
from nhsuk.text import clean_text, one_line
from objectives.models import Quarter

Kind = SentReminder.Kind


@dataclass
class Message:
    kind: str
    quarter: Quarter
    recipient: object
    subject: str
    deliverables: list = field(default_factory=list)
    detail: str = ""
    group: AssuranceGroup | None = None

    @property
    def email(self) -> str:
        return self.recipient.email

    def context(self) -> dict:
        quarter = self.quarter
        return {
            "message": self,
            "user": self.recipient,
            "quarter": quarter,
            "deliverables": self.deliverables,
            "group": self.group,
            "days_left": (quarter.deadline - self.today).days if quarter.deadline else None,
            "my_updates_url": settings.SITE_URL + reverse("deliverables:my_updates"),
            "dashboard_url": settings.SITE_URL + reverse("reporting:dashboard"),
            "group_url": settings.SITE_URL
            + reverse("reporting:my_groups")
            + (f"?group={self.group.pk}" if self.group else ""),
        }


def planned(today) -> list[Message]:
    messages = []
    # The reporting quarter only: the one My updates shows and the reminders link to.
    reporting = Quarter.objects.current(today)
    for quarter in [reporting] if reporting and reporting.deadline else []:
        missing = _missing(quarter)
        days_left = (quarter.deadline - today).days
        if days_left == 0 or days_left in settings.REMINDER_DAYS_BEFORE:
            messages += _owner_reminders(quarter, missing, days_left)
        if days_left < 0 and missing:
            messages += _admin_summaries(quarter, missing)
        messages += _groups_ready(quarter)
    for message in messages:
        message.today = today
    return messages


def _missing(quarter):
    """Deliverables due an update in the quarter that do not have one yet, in plan order."""
    return list(Deliverable.objects.awaiting_update_in(quarter).with_plan_details().natural_order())


def _owner_reminders(quarter, missing, days_left):
    kind = Kind.OWNER_DEADLINE if days_left == 0 else Kind.OWNER_BEFORE
    when = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
    missing_ids = {d.pk for d in missing}
    people = (
        get_user_model()
        .objects.filter(is_active=True, owners__isnull=False)
        .distinct()
        .order_by("username")
    )
    messages = []
    for person in people:  # executives and their delegates
        theirs = set(
            Deliverable.objects.owed_by(person)
            .filter(pk__in=missing_ids)
            .values_list("pk", flat=True)
        )
        if theirs:
            messages.append(
                Message(
                    kind,
                    quarter,
                    person,
                    f"{len(theirs)} {quarter.short_label} update{'s' if len(theirs) != 1 else ''}"
                    f" due {when}",
                    [d for d in missing if d.pk in theirs],
                    detail="" if days_left == 0 else str(days_left),
                )
            )
    return messages


def _admin_summaries(quarter, missing):
    admins = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="administer_plan")
            | Q(user_permissions__codename="administer_plan")
        )
        .distinct()
        .order_by("username")
    )
    count = len(missing)
    subject = (
        f"{count} {quarter.short_label} update{'s' if count != 1 else ''} missing "
        "after the deadline"
    )
    return [Message(Kind.ADMIN_SUMMARY, quarter, admin, subject, missing) for admin in admins]


def _groups_ready(quarter):
    messages = []
    groups = AssuranceGroup.objects.filter(secretaries__isnull=False).distinct()
    for group in groups:
        theirs = Deliverable.objects.filter(assurance_groups=group)
        due = theirs.requiring_update_in(quarter)
        if not due.exists() or theirs.awaiting_update_in(quarter).exists():
            continue  # nothing to review, or still waiting for updates
        items = list(due.with_plan_details().natural_order())
        subject = (
            f"{group.label}: all {len(items)} {quarter.short_label} updates are in, "
            "ready for review"
        )
        for secretary in group.secretaries.filter(is_active=True).order_by("username"):
            messages.append(
                Message(
                    Kind.GROUP_READY,
                    quarter,
                    secretary,
                    subject,
                    items,
                    detail=str(group.pk),
                    group=group,
                )
            )
    return messages


def already_sent(message) -> bool:
    return SentReminder.objects.filter(
        kind=message.kind,
        quarter=message.quarter,
        recipient=message.recipient,
        detail=message.detail,
    ).exists()


def send(message, today) -> bool:
    """Send one message and record it; False if another run recorded it first."""
    context = message.context()
    # Any stored text (a group's name, a deliverable's description) is made safe for e-mail:
    # a line break in a subject is refused by the mail library, a control character by servers.
    text = clean_text(render_to_string("planning/email/reminder.txt", context))
    html = clean_text(render_to_string("planning/email/reminder.html", context))
    email = EmailMultiAlternatives(
        subject=one_line(f"[{message.quarter.plan.financial_year}] {message.subject}"),
        body=text,
        to=[message.email],
    )
    email.attach_alternative(html, "text/html")
    try:
        # The record first, in the same transaction as the send: if sending fails nothing is
        # recorded (the next run retries); if another run got there first, nothing is sent.
        with transaction.atomic():
            SentReminder.objects.create(
                kind=message.kind,
                quarter=message.quarter,
                recipient=message.recipient,
                detail=message.detail,
                email=message.email,
                subject=message.subject[:200],
                deliverable_count=len(message.deliverables),
                sent_on=today,
            )
            email.send()
    except IntegrityError:
        return False
    return True
