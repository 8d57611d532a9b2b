from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "deliverables"
    verbose_name = "Deliverables and updates"

    def ready(self):
        # Stored positions follow every save and delete (deliverables.standings), and move the
        # data revision themselves when they change.
        from deliverables import models, standings  # noqa: F401
        from objectives import revision

        # Cached pages follow every change (objectives.revision); not drafts as people type,
        # nor the stored positions, which announce their own changes.
        revision.track(
            models.Owner, models.Deliverable, models.DeliverableOwner, models.StatusUpdate
        )
