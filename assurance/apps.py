from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance"

    def ready(self):
        from django.db.models import Prefetch

        from common.history import expose_history_models

        # The BAF's history models are made in assurance.baf.models (see expose_history_models).
        expose_history_models(self)

        from assurance import models
        from assurance.findings import FindingsExtension
        from common import revision
        from deliverables import extensions

        # Cached pages follow every change to committees' data (common.revision).
        revision.track(
            models.AssuranceGroup,
            models.DeliverableAssuranceGroup,
            models.SentReminder,
            models.ChairReportItem,
            models.PrincipalRisk,
            models.RiskControl,
            models.RiskAssurance,
            models.RiskScore,
            models.RiskCommitteeView,
            models.GapNote,
        )

        # A committee's level of a deliverable: that deliverable's rows only, in its quarter
        # on; an action asked of its owner: that deliverable's (issue 32).
        revision.track(models.AssuranceReview, scoped_by=revision.quarter_scope)
        revision.track(models.ReviewAction, scoped_by=lambda action: (action.deliverable_id, 0))

        # Committee findings on the executive's pages, which the deliverables app owns.
        extensions.register(FindingsExtension())
        # The plan export's groups column, read in one query (`AssuranceGroup.label_sql`).
        from deliverables.exports import links

        extensions.register_export_column(
            "assurance_groups",
            lambda deliverables: links(
                deliverables, "group_links", models.AssuranceGroup.label_sql("assurance_group__")
            ),
        )
        # My updates lists the risk owner's quarterly BAF scores with their deliverables.
        from assurance.baf.register import scores_owed

        extensions.register_owed("baf_scores", scores_owed)
        # Every list of deliverables shows their groups, in the plan's order.
        extensions.register_list_prefetch(
            "assurance_groups",
            lambda: Prefetch(
                "group_links",
                queryset=models.DeliverableAssuranceGroup.objects.select_related("assurance_group"),
            ),
        )
