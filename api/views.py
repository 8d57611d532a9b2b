"""The read API (`/api/v1/`) for reporting tools such as Power BI: read-only, paginated,
filterable like the deliverables list, and limited to what the token's person may read."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.response import Response

from api import filters, serializers
from api.queries import (
    DELIVERABLE_PARAMETERS,
    PLAN_PARAMETER,
    QUARTER_PARAMETER,
    DeliverableQuery,
    QuarterQuery,
)
from assurance.baf import register as baf
from assurance.baf.models import PrincipalRisk
from assurance.models import AssuranceReview, ReviewAction
from deliverables.models import Deliverable, StatusUpdate
from objectives.models import Measure, MeasureValue, Objective, Plan, Theme
from reporting import glance, indicators
from reporting.filters import PlanFilter


class LimitedFirst:
    """DRF authenticates, then checks permissions, then throttles: a request with no token or
    a wrong one was refused (401) before any limit applied, so guessing tokens was unlimited.
    Here the limits come first: by address for requests without a valid token (even as they
    fail), then by person."""

    def initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
            request
        )
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        try:
            self.perform_authentication(request)
        except AuthenticationFailed:
            self.check_throttles(request)  # the refused are counted by address too
            raise
        self.check_throttles(request)
        self.check_permissions(request)


class ReadOnly(LimitedFirst, viewsets.ReadOnlyModelViewSet):
    required_permissions: list[str] = []
    # An id is digits that fit a database row's id: anything else is not found (404), never
    # a failed query (issue 29: /deliverables/abc/ answered 500).
    lookup_value_regex = r"[0-9]{1,18}"


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


@extend_schema_view(list=extend_schema(parameters=DELIVERABLE_PARAMETERS))
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
        query = DeliverableQuery(data if data is not None else self.request.GET)
        if not query.is_valid():
            raise ValidationError(query.errors)
        filterset = PlanFilter(query.filter_data() or None)
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
        for narrower in ("theme", "objective"):  # the plan is its own; these are moot
            data.pop(narrower, None)
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


class CommitteeActionViewSet(ReadOnly):
    """Actions committees asked of owners (`open`: true or false), with the owners' responses,
    wherever they were asked: an action carried over with its deliverable is in its new plan."""

    required_permissions = ["assurance.view_assurancereview"]  # as the packs show them
    serializer_class = serializers.CommitteeActionSerializer
    queryset = ReviewAction.objects.select_related(
        "deliverable__objective__plan", "review__assurance_group", "review__quarter__plan"
    ).order_by("deliverable__objective__plan__start_date", "deliverable_id", "id")
    filterset_class = filters.CommitteeActionFilter


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_PARAMETER, QUARTER_PARAMETER]),
    retrieve=extend_schema(parameters=[QUARTER_PARAMETER]),
)
class PrincipalRiskViewSet(ReadOnly):
    """The Board Assurance Framework's principal risks as they stand in a quarter (`plan`,
    `quarter`; default the current plan's open one), each with its objectives, scores, controls,
    assurances and gaps (each gap's kind, its source and whether it is open), as the BAF pages
    show them."""

    required_permissions = ["assurance.view_principalrisk"]
    serializer_class = serializers.PrincipalRiskSerializer
    filter_backends = []

    def _quarter(self, risk=None):
        query = QuarterQuery(self.request.GET)
        if not query.is_valid():
            raise ValidationError(query.errors)
        if risk is not None:  # a risk's own plan, by the risk pages' rule
            return risk.quarter(query.cleaned_data.get("quarter"))
        return query.chosen_quarter()

    def get_queryset(self):
        return PrincipalRisk.objects.select_related("plan").order_by("plan_id", "number")

    def list(self, request, *args, **kwargs):
        quarter = self._quarter()
        if quarter is None:
            raise NotFound("No plan has been loaded yet.")
        page = self.paginate_queryset(self.get_queryset().filter(plan=quarter.plan))
        risks = PrincipalRisk.objects.filter(pk__in=[risk.pk for risk in page])
        data = baf.as_data(baf.register(quarter, risks), quarter)["risks"]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        risk = self.get_object()
        quarter = self._quarter(risk)
        [data] = baf.as_data(
            baf.register(quarter, PrincipalRisk.objects.filter(pk=risk.pk)), quarter
        )["risks"]
        return Response(self.get_serializer(data).data)


class NeedsALookView(LimitedFirst, generics.ListAPIView):
    """ "Needs a look" for a quarter (`plan`, `quarter`; default the current plan's open one):
    deliverables reported On track (Green) while a key indicator of their objective shows
    special-cause concern or will consistently miss its target, with those measures."""

    required_permissions = ["deliverables.view_deliverable", "objectives.view_measure"]
    serializer_class = serializers.NeedsALookSerializer
    filter_backends = []

    @extend_schema(parameters=[PLAN_PARAMETER, QUARTER_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = QuarterQuery(self.request.GET)
        if not query.is_valid():
            raise ValidationError(query.errors)
        quarter = query.chosen_quarter()
        if quarter is None:
            return []
        return indicators.dashboard_needs_a_look(quarter, indicators.measure_summaries(quarter))


class AssuranceGlanceView(LimitedFirst, generics.GenericAPIView):
    """Assurance at a glance for a quarter, as the dashboard and board report show it
    (reporting.glance): counts by level, by committee and by theme, the status × level matrix
    and the assurance gaps by name."""

    required_permissions = ["deliverables.view_deliverable", "assurance.view_assurancereview"]
    filter_backends = []
    pagination_class = None

    @extend_schema(
        parameters=[PLAN_PARAMETER, QUARTER_PARAMETER], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request, *args, **kwargs):
        query = QuarterQuery(request.GET)
        if not query.is_valid():
            raise ValidationError(query.errors)
        quarter = query.chosen_quarter()
        if quarter is None:
            raise NotFound("No plan has been loaded yet.")
        found = glance.for_quarter(quarter)
        body = {"plan": quarter.plan.financial_year, "quarter": quarter.number} | found
        return Response(body)
