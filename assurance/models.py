from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class AssuranceGroupQuerySet(models.QuerySet):
    def secretary_of(self, user):
        return self.filter(secretaries=user) if user.is_authenticated else self.none()


class AssuranceGroup(models.Model):
    """A committee that scrutinises deliverables. Some have a code (DHG); some only a name."""

    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Left blank where the plan gives only a code; complete it when known.",
    )
    in_plan_key = models.BooleanField(
        "named in the plan's key",
        default=True,
        help_text="Off for groups the plan's table uses but its key of abbreviations leaves out.",
    )
    secretaries = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assurance_groups",
        blank=True,
        help_text="The people who record this group's reviews.",
    )

    history = HistoricalRecords(m2m_fields=[secretaries])
    objects = AssuranceGroupQuerySet.as_manager()

    class Meta:
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="assurance_group_code_unique"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=~models.Q(name=""), name="assurance_group_name_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(code="", name=""), name="assurance_group_code_or_name"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The code where the plan gives one, otherwise the name."""
        return self.code or self.name

    @property
    def full_name(self) -> str:
        return self.name or "Full name not given in the plan"
