from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Reading the plan across deliverables and keeping the Board's record: roll-ups, the
    dashboard, the list and its downloads, a secretary's groups, committee packs, "needs a
    look", the board report (its data, kept copies, screens, PDF, Word, XLSX and frozen
    snapshots) and closing a quarter. Above `assurance`, below `planning`."""

    name = "reporting"
    verbose_name = "Reports"

    def ready(self):
        from common import revision
        from reporting import models

        # Cached pages follow every change to the board's record (common.revision).
        revision.track(models.BoardPaperCover, models.BoardReport)
