"""The read API (`/api/v1/`) for reporting tools such as Power BI: read-only, paginated,
filterable like the deliverables list, and limited to what the token's person may read."""

from django.shortcuts import get_object_or_404
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from api import filters, serializers
from assurance.models import AssuranceReview
from deliverables.models import Deliverable, StatusUpdate
from objectives.models import Measure, MeasureValue, Objective, Plan, Theme
from reporting.filters import PlanFilter


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    required_permissions: list[str] = []


class PlanViewSet(ReadOnly):
    """Plans, newest first, each with its quarters, their state and deadline."""

    required_permissions = ["objectives.view_plan", "objectives.view_quarter"]
    serializer_class = serializers.PlanSerializer
    queryset = Plan.objects.prefetch_related("quarters").latest_first()


class ThemeViewSet(ReadOnly):
    required_permissions = ["objectives.view_theme"]
    serializer_class = serializers.ThemeSerializer
    queryset = Theme.objects.select_related("plan").order_by("plan__start_date", "number")
    filterset_class = filters.ThemeFilter


class ObjectiveViewSet(ReadOnly):
    """Objectives with their key indicators."""

    required_permissions = ["objectives.view_objective", "objectives.view_keyindicator"]
    serializer_class = serializers.ObjectiveSerializer
    queryset = (
        Objective.objects.select_related("plan", "theme")
        .prefetch_related("key_indicators")
        .order_by("plan__start_date", "number")
    )
    filterset_class = filters.ObjectiveFilter


class DeliverableViewSet(ReadOnly):
    """Deliverables with their owners and groups, and where each stands in a quarter. Filtered
    exactly like the deliverables list: `plan` (2021/22, default the current plan), `quarter`
    (default its open quarter), `owner`, `assurance_group`, `theme`, `objective`, `status`,
    `trend`, `due`, `missing`, `overdue`, `completed`, `q`."""

    required_permissions = ["deliverables.view_deliverable", "deliverables.view_statusupdate"]
    serializer_class = serializers.DeliverableSerializer
    queryset = Deliverable.objects.all()  # for the schema's types; get_queryset filters
    filter_backends = []  # the deliverables list's own FilterSet does it

    def get_queryset(self, data=None):
        filterset = PlanFilter(data if data is not None else self.request.GET or None)
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(filterset.errors)
        self.quarter = filterset.quarter_obj
        return filterset.qs.with_plan_details()

    def get_object(self):
        # A deliverable is read in its own plan's quarter, whichever plan is current.
        found = get_object_or_404(
            Deliverable.objects.select_related("objective__plan"), pk=self.kwargs["pk"]
        )
        data = self.request.GET.copy()
        data["plan"] = found.objective.plan.financial_year
        return get_object_or_404(self.get_queryset(data), pk=found.pk)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"quarter": getattr(self, "quarter", None)}


class StatusUpdateViewSet(ReadOnly):
    """Submitted updates (drafts and those awaiting sign-off are not reported)."""

    required_permissions = ["deliverables.view_statusupdate"]
    serializer_class = serializers.StatusUpdateSerializer
    queryset = (
        StatusUpdate.objects.submitted()
        .select_related("quarter__plan", "deliverable__objective", "updated_by")
        .order_by(
            "quarter__plan__start_date",
            "quarter__number",
            "deliverable__objective__number",
            "deliverable__number",
        )
    )
    filterset_class = filters.StatusUpdateFilter


class AssuranceReviewViewSet(ReadOnly):
    required_permissions = ["assurance.view_assurancereview"]
    serializer_class = serializers.AssuranceReviewSerializer
    queryset = AssuranceReview.objects.select_related(
        "quarter__plan", "deliverable__objective", "assurance_group", "recorded_by"
    ).order_by("quarter__plan__start_date", "quarter__number", "deliverable_id", "id")
    filterset_class = filters.AssuranceReviewFilter


class MeasureViewSet(ReadOnly):
    """Key indicators' measures, with their latest SPC reading (Making Data Count)."""

    required_permissions = ["objectives.view_measure"]
    serializer_class = serializers.MeasureSerializer
    queryset = Measure.objects.with_values().select_related("indicator__objective__plan")
    filterset_class = filters.MeasureFilter


class MeasureValueViewSet(ReadOnly):
    required_permissions = ["objectives.view_measurevalue"]
    serializer_class = serializers.MeasureValueSerializer
    queryset = MeasureValue.objects.order_by("measure_id", "period")
    filterset_class = filters.MeasureValueFilter
