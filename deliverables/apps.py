from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "deliverables"
    verbose_name = "Deliverables and updates"

    def ready(self):
        from common.history import expose_history_models

        # History models of models kept in a package (models/, measures/) import like any other.
        expose_history_models(self)

        # Stored positions follow every save and delete (deliverables.standings), and move the
        # data revision themselves when they change.
        from common import revision
        from deliverables import models, standings  # noqa: F401

        # Cached pages follow every change (common.revision); not drafts as people type,
        # nor the stored positions, which announce their own changes.
        revision.track(models.Owner, models.Deliverable, models.DeliverableOwner)
        # An update (saved, corrected, signed off) changes its deliverable's rows only, from
        # its quarter on: what is kept by deliverable is brought up to date for it (issue 32).
        revision.track(models.StatusUpdate, scoped_by=revision.quarter_scope)

        # The plan page (objectives) lists each objective's deliverables as this app fetches them.
        from django.db.models import Prefetch

        from objectives import extensions

        extensions.register_plan_page_prefetch(
            "deliverables",
            lambda: Prefetch(
                "deliverables",
                queryset=models.Deliverable.objects.order_by("number").with_plan_details(),
            ),
        )
