"""The board's record: each quarter's frozen board report and its paper's cover sheet."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords


class BoardPaperCover(models.Model):
    """The NHS board-paper cover sheet of a quarter's board report: what the plan administrator
    enters for the meeting. Editable until the quarter closes; the closing snapshot keeps it."""

    class Purpose(models.TextChoices):
        # The purposes NHS board papers declare on their covers.
        ASSURANCE = "assurance", "For assurance"
        APPROVAL = "approval", "For approval"
        DECISION = "decision", "For decision"
        DISCUSSION = "discussion", "For discussion"
        INFORMATION = "information", "For information"

    class Session(models.TextChoices):
        PUBLIC = "public", "Public session"
        PRIVATE = "private", "Private session (not for publication)"

    quarter = models.OneToOneField(
        "objectives.Quarter", on_delete=models.CASCADE, related_name="board_cover"
    )
    meeting = models.CharField(
        max_length=200, blank=True, help_text="For example, Board of Directors."
    )
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True, help_text="For example, 7.2.")
    report_title = models.CharField(
        max_length=200, blank=True, help_text="Left blank: the plan and quarter's own title."
    )
    executive_sponsor = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.ASSURANCE)
    session = models.CharField(
        "public or private session",
        max_length=8,
        choices=Session.choices,
        default=Session.PUBLIC,
    )
    key_messages = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(3000)],
        help_text="What the Board should take from the report, from the executive sponsor: up "
        "to three short paragraphs, with a blank line between them.",
    )
    previously_considered_by = models.CharField(
        max_length=300,
        blank=True,
        help_text="For example, Finance and Performance Committee, 21 October 2026. Left blank: "
        "not considered elsewhere first.",
    )
    recommendation = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="Left blank: the Board is asked to note progress and seek further assurance.",
    )
    strategic_risks = models.TextField(
        "links to strategic risks", blank=True, validators=[MaxLengthValidator(2000)]
    )
    implications = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="Financial, legal, quality, equality and other implications.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"Board paper cover {self.quarter}"

    @staticmethod
    def default_title(plan_title: str, short_label: str, financial_year: str) -> str:
        return f"{plan_title}: {short_label} {financial_year} progress"

    def as_data(self) -> dict:
        """The cover as the report holds it (JSON-ready), with the defaults filled in."""
        quarter, plan = self.quarter, self.quarter.plan
        title = self.default_title(plan.title, quarter.short_label, plan.financial_year)
        return {
            "trust": settings.TRUST_NAME,
            "session": self.get_session_display(),
            "key_messages": self.key_messages,
            "previously_considered_by": self.previously_considered_by,
            "meeting": self.meeting,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else "",
            "agenda_item": self.agenda_item,
            "report_title": self.report_title or title,
            "executive_sponsor": self.executive_sponsor,
            "author": self.author,
            "purpose": self.get_purpose_display(),
            "recommendation": self.recommendation or DEFAULT_RECOMMENDATION,
            "strategic_risks": self.strategic_risks,
            "implications": self.implications,
        }


# The cover's fields a paper cannot go to the Board without; the cover says "To be confirmed"
# for each left blank, and closing the quarter names them first (issue 28).
TO_BE_CONFIRMED = {
    "meeting": "Meeting",
    "meeting_date": "Meeting date",
    "agenda_item": "Agenda item",
    "executive_sponsor": "Executive sponsor",
    "author": "Author",
    "key_messages": "Key messages",
}


def unconfirmed(cover: dict) -> list[str]:
    """The names of the cover's fields still "To be confirmed" (`cover`: as the report holds
    it, `BoardPaperCover.as_data`)."""
    return [label for name, label in TO_BE_CONFIRMED.items() if not cover.get(name)]


DEFAULT_RECOMMENDATION = (
    "The Board is asked to note progress against the Strategy Implementation Plan and to seek "
    "further assurance where it is needed."
)


class RecordHeld(PermissionDenied):
    """The board record is kept permanently (a legal hold by design, ADR 21): a closed quarter's
    report and its PDF are never deleted or rewritten through the application."""

    def __init__(self, what="A closed quarter's board record"):
        super().__init__(
            f"{what} is kept permanently (NHS records rules keep board papers for good): it "
            "cannot be deleted or changed. Reopen and close the quarter to add a new record."
        )


class HeldQuerySet(models.QuerySet):
    def delete(self):
        raise RecordHeld()


class BoardReportQuerySet(HeldQuerySet):
    def chain(self):
        """The trust's record in chain order, first closed first."""
        return self.order_by("sequence")


class BoardReport(models.Model):
    """The quarterly board report as it stood when its quarter closed: never changed after.

    `data` holds everything the report shows (`reporting.board_report.data.report_data`), so
    later edits, corrections and even deleted rows do not rewrite what the Board was told. Reopening
    and closing again makes a new report; the earlier one is kept, marked superseded.

    Each is a link of the trust's hash chain (issue 31, `reporting.record.chain`): its
    `record_hash` is the SHA-256 of its canonical JSON, which holds the previous record's hash
    and the one it supersedes, so removing, reordering or editing any record breaks the chain.
    """

    quarter = models.ForeignKey(
        "objectives.Quarter", on_delete=models.PROTECT, related_name="board_reports"
    )
    data = models.JSONField()
    # When the quarter closed: set before the record is hashed (not auto_now_add, which
    # would set it again after).
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The chain (reporting.record.chain). Null only while a row is being made.
    sequence = models.PositiveIntegerField(unique=True, null=True, editable=False)
    trust = models.CharField(max_length=200, blank=True, editable=False)
    closed_by_name = models.CharField(max_length=300, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
    )
    # Null, not blank, before the hash is made: unique, and rows chained by the migration.
    record_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )

    objects = BoardReportQuerySet.as_manager()

    class Meta:
        ordering = ["quarter_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarter"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_board_report_per_quarter",
            ),
        ]

    def __str__(self):
        return f"Board report {self.quarter}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            # Only the "superseded" mark is ever set after a record is made (by update()).
            raise RecordHeld()
        from reporting.record import chain

        with transaction.atomic():
            chain.seal(self)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordHeld()


class BoardRecordPdf(models.Model):
    """The archival PDF of a board record (PDF/A-3 with the record's JSON inside, signed where a
    key is configured; `reporting.record.archive`): made once, the first time it is asked for,
    and then the same bytes for good."""

    report = models.OneToOneField(
        BoardReport, on_delete=models.PROTECT, primary_key=True, related_name="archival_pdf"
    )
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    signed = models.BooleanField()
    signer = models.CharField(max_length=300, blank=True)
    made_at = models.DateTimeField(auto_now_add=True)

    objects = HeldQuerySet.as_manager()

    def __str__(self):
        return f"Board record PDF {self.report_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordHeld("A board record's PDF")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordHeld("A board record's PDF")
