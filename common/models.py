"""What every app shares that needs a table."""

from django.db import models


class DataRevision(models.Model):
    """One number that moves on whenever the plan's data changes (`common.revision`): cached
    pages put it in their key, so every app server drops a cached page as soon as anything it
    shows has changed, with no cache shared between them (ADR 15)."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Data revision {self.value}"


class RevisionChange(models.Model):
    """What one move of the data revision changed, where that is a few deliverables' rows (a
    status update saved, a committee's level recorded): kept so that every app server can bring
    what it keeps for those rows up to date instead of working it all out again (issue 32).
    `scope`: [deliverable id, first quarter number it changed] pairs; not `scoped`, and
    everything kept is worked out again. Rows older than `common.revision.LOG_KEPT` revisions
    are let go."""

    revision = models.PositiveBigIntegerField(primary_key=True)
    scope = models.JSONField(default=list, blank=True)
    scoped = models.BooleanField(default=False)

    def __str__(self):
        return f"Revision {self.revision}"
