"""The read API's filters: the plan by its year everywhere, and what each kind of row needs.

Every value is checked (issue 29): a plan that does not exist, a quarter that is not 1–4, a
status or level not on its scale, an owner or group nobody has, an id out of range: each answers
400 naming the field (DRF's filter backend), never rows of something else or a failed query."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api.queries import MAX_ID, StrictBoolean
from assurance.models import AssuranceGroup, AssuranceReview, Level, ReviewAction
from deliverables.models import Owner, StatusUpdate
from deliverables.status import Status
from objectives.models import Measure, MeasureValue, Objective, Plan, Theme

QUARTERS = [(str(n), f"Q{n}") for n in (1, 2, 3, 4)]


class LowerCaseChoiceField(forms.ChoiceField):
    """A choice whatever its case: "Red" is red."""

    def to_python(self, value):
        return super().to_python(value).strip().lower()


class LowerCaseChoiceFilter(django_filters.ChoiceFilter):
    field_class = LowerCaseChoiceField


class IdFilter(django_filters.NumberFilter):
    """A whole number that fits a row's id (or a plan's numbers): 400 otherwise, never a
    database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def plan_filter(path: str):
    return django_filters.ModelChoiceFilter(
        field_name=path,
        queryset=Plan.objects.all(),
        to_field_name="financial_year",
        label="Plan, by its year (2021/22)",
    )


class GroupField(forms.CharField):
    """An assurance group by the label rows show: its code, or its name where it has none."""

    def clean(self, value):
        label = (super().clean(value) or "").strip()
        if not label:
            return None
        group = AssuranceGroup.objects.filter(
            Q(code__iexact=label) | Q(code="", name__iexact=label)
        ).first()
        if group is None:
            raise forms.ValidationError(f"No assurance group {label!r}.")
        return group


@extend_schema_field(OpenApiTypes.STR)
class GroupFilter(django_filters.Filter):
    field_class = GroupField


class ReferenceField(forms.RegexField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("regex", r"^\s*\d{1,9}\.\d{1,9}\s*$")
        kwargs.setdefault("error_messages", {"invalid": "Give a reference such as 6.4."})
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class ReferenceFilter(django_filters.Filter):
    field_class = ReferenceField

    def filter(self, qs, value):
        if not value:
            return qs
        objective, _, number = value.strip().partition(".")
        return qs.filter(deliverable__objective__number=objective, deliverable__number=number)


@extend_schema_field({"type": "string", "enum": ["true", "false", "1", "0"]})
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBoolean


class ByPlan(django_filters.FilterSet):
    plan = plan_filter("plan")


class ThemeFilter(ByPlan):
    class Meta:
        model = Theme
        fields = []


class ObjectiveFilter(ByPlan):
    theme = IdFilter(field_name="theme__number", label="Theme, by its number")

    class Meta:
        model = Objective
        fields = []


class QuarterRowFilter(django_filters.FilterSet):
    plan = plan_filter("quarter__plan")
    quarter = django_filters.ChoiceFilter(field_name="quarter__number", choices=QUARTERS)
    owner = django_filters.ModelChoiceFilter(
        field_name="deliverable__owners",
        queryset=Owner.objects.all(),
        to_field_name="code",
        distinct=True,
        label="Owner, by its code (CDO)",
    )
    reference = ReferenceFilter(label="Deliverable, by its reference (6.4)")


class StatusUpdateFilter(QuarterRowFilter):
    status = LowerCaseChoiceFilter(choices=Status.choices)

    class Meta:
        model = StatusUpdate
        fields = []


class AssuranceReviewFilter(QuarterRowFilter):
    assurance_group = GroupFilter(
        field_name="assurance_group", label="Assurance group, by its code (DHG) or name"
    )
    level = LowerCaseChoiceFilter(choices=Level.choices)

    class Meta:
        model = AssuranceReview
        fields = []


class MeasureFilter(django_filters.FilterSet):
    plan = plan_filter("indicator__objective__plan")
    objective = IdFilter(field_name="indicator__objective__number", label="Objective number")

    class Meta:
        model = Measure
        fields = []


class MeasureValueFilter(django_filters.FilterSet):
    measure = IdFilter(field_name="measure_id", label="Measure id")
    plan = plan_filter("measure__indicator__objective__plan")

    class Meta:
        model = MeasureValue
        fields = []


class CommitteeActionFilter(django_filters.FilterSet):
    plan = plan_filter("deliverable__objective__plan")
    open = StrictBooleanFilter(method="filter_open", label="true: still open; false: closed")
    assurance_group = GroupFilter(field_name="review__assurance_group", label="Group code or name")
    reference = ReferenceFilter(label="Deliverable, by its reference (6.4)")
    owner = django_filters.ModelChoiceFilter(
        field_name="deliverable__owners",
        queryset=Owner.objects.all(),
        to_field_name="code",
        distinct=True,
        label="Owner, by its code (CDO)",
    )

    class Meta:
        model = ReviewAction
        fields = []

    def filter_open(self, queryset, name, value):
        return queryset if value is None else queryset.filter(closed_at__isnull=value)
