"""What every app shares that needs a table."""

from django.db import models


class DataRevision(models.Model):
    """One number that moves on whenever the plan's data changes (`common.revision`): cached
    pages put it in their key, so every app server drops a cached page as soon as anything it
    shows has changed, with no cache shared between them (ADR 15)."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Data revision {self.value}"
