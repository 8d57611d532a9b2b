"""Owners: the executive portfolios (CFO, CDO...) that own deliverables, and their people."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class OwnerQuerySet(models.QuerySet):
    def delegated_to(self, user):
        """The Owners `user` writes updates for as a delegate (not as their executive)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(users=user).exclude(executive=user).select_related("executive")


class Owner(models.Model):
    """An executive owner as the plan abbreviates them (CFO, CDO...), with the people who act."""

    ALL_CODE = "ALL"

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(
        "full title",
        max_length=200,
        blank=True,
        help_text="Left blank where the plan does not give it; complete it when known.",
    )
    in_plan_key = models.BooleanField(
        "named in the plan's key",
        default=True,
        help_text="Off for codes the plan's table uses but its key of abbreviations leaves out.",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="owners",
        blank=True,
        help_text="The executive and any delegates who write this owner's updates.",
    )
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="executive_of",
        help_text=(
            "The executive themself: where a plan asks for sign-off, they approve their "
            "delegates' updates. The other people above are delegates."
        ),
    )

    history = HistoricalRecords(m2m_fields=[users])
    objects = OwnerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def full_title(self) -> str:
        return self.title or "Full title not given in the plan"
