from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance"

    def ready(self):
        from assurance import models
        from assurance.findings import FindingsExtension
        from common import revision
        from deliverables import extensions

        # Cached pages follow every change to committees' data (common.revision).
        revision.track(
            models.AssuranceGroup,
            models.DeliverableAssuranceGroup,
            models.AssuranceReview,
            models.ReviewAction,
            models.BoardPaperCover,
            models.BoardReport,
            models.SentReminder,
        )

        # Committee findings on the executive's pages, which the deliverables app owns.
        extensions.register(FindingsExtension())
