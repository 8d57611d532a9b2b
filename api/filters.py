"""The read API's filters: the plan by its year everywhere, and what each kind of row needs."""

import django_filters

from assurance.models import AssuranceReview
from deliverables.models import StatusUpdate
from objectives.models import Measure, MeasureValue, Objective, Theme


class ByPlan(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="plan__financial_year", label="Plan (2021/22)")


class ThemeFilter(ByPlan):
    class Meta:
        model = Theme
        fields = []


class ObjectiveFilter(ByPlan):
    theme = django_filters.NumberFilter(field_name="theme__number")

    class Meta:
        model = Objective
        fields = []


class QuarterRowFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="quarter__plan__financial_year")
    quarter = django_filters.NumberFilter(field_name="quarter__number")
    owner = django_filters.CharFilter(field_name="deliverable__owners__code", distinct=True)
    reference = django_filters.CharFilter(method="filter_reference")

    def filter_reference(self, queryset, name, value):
        objective, _, number = value.partition(".")
        if not (objective.isdigit() and number.isdigit()):
            return queryset.none()
        return queryset.filter(deliverable__objective__number=objective, deliverable__number=number)


class StatusUpdateFilter(QuarterRowFilter):
    status = django_filters.CharFilter()

    class Meta:
        model = StatusUpdate
        fields = []


class AssuranceReviewFilter(QuarterRowFilter):
    assurance_group = django_filters.CharFilter(method="filter_group")
    level = django_filters.CharFilter()

    class Meta:
        model = AssuranceReview
        fields = []

    def filter_group(self, queryset, name, value):
        return queryset.filter(assurance_group__code=value) | queryset.filter(
            assurance_group__name=value
        )


class MeasureFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="indicator__objective__plan__financial_year")
    objective = django_filters.NumberFilter(field_name="indicator__objective__number")

    class Meta:
        model = Measure
        fields = []


class MeasureValueFilter(django_filters.FilterSet):
    measure = django_filters.NumberFilter(field_name="measure_id")
    plan = django_filters.CharFilter(
        field_name="measure__indicator__objective__plan__financial_year"
    )

    class Meta:
        model = MeasureValue
        fields = []
